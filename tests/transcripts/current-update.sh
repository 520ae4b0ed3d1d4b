# StatefulSet Basics (current), "Updating StatefulSets" through "Cleaning up", run in the same
# session right after current-create.sh. The expected output is current-update.out.
# A watch in a script ends after 5 virtual seconds without an event, so each watch below shows
# what the tutorial's "first terminal" shows for the commands before it.
#
# RollingUpdate
kubectl patch statefulset web --type='json' -p='[{"op": "replace", "path": "/spec/template/spec/containers/0/image", "value":"registry.k8s.io/nginx-slim:0.24"}]'
kubectl get pod -l app=nginx --watch
for p in 0 1 2; do kubectl get pod "web-$p" --template '{{range $i, $c := .spec.containers}}{{$c.image}}{{end}}'; echo; done
# Staging an update
kubectl patch statefulset web -p '{"spec":{"updateStrategy":{"type":"RollingUpdate","rollingUpdate":{"partition":3}}}}'
kubectl patch statefulset web --type='json' -p='[{"op": "replace", "path": "/spec/template/spec/containers/0/image", "value":"registry.k8s.io/nginx-slim:0.21"}]'
kubectl delete pod web-2
kubectl get pod -l app=nginx --watch
kubectl get pod web-2 --template '{{range $i, $c := .spec.containers}}{{$c.image}}{{end}}'
# Rolling out a canary
kubectl patch statefulset web -p '{"spec":{"updateStrategy":{"type":"RollingUpdate","rollingUpdate":{"partition":2}}}}'
kubectl get pod -l app=nginx --watch
kubectl get pod web-2 --template '{{range $i, $c := .spec.containers}}{{$c.image}}{{end}}'
kubectl delete pod web-1
kubectl get pod -l app=nginx --watch
kubectl get pod web-1 --template '{{range $i, $c := .spec.containers}}{{$c.image}}{{end}}'
# Phased roll outs
kubectl patch statefulset web -p '{"spec":{"updateStrategy":{"type":"RollingUpdate","rollingUpdate":{"partition":0}}}}'
kubectl get pod -l app=nginx --watch
for p in 0 1 2; do kubectl get pod "web-$p" --template '{{range $i, $c := .spec.containers}}{{$c.image}}{{end}}'; echo; done
# OnDelete: the tutorial shows "statefulset.apps/web patched"; a strategic merge patch keeps
# rollingUpdate.partition, which v1.34 rejects for OnDelete (the set stays RollingUpdate).
kubectl patch statefulset web -p '{"spec":{"updateStrategy":{"type":"OnDelete"}}}'
# Non-cascading delete
kubectl get pods --watch -l app=nginx
kubectl delete statefulset web --cascade=orphan
kubectl get pods -l app=nginx
kubectl delete pod web-0
kubectl get pods -l app=nginx
kubectl get pods --watch -l app=nginx
# The tutorial prints these two lines in the opposite order; kubectl follows the file.
kubectl apply -f https://k8s.io/examples/application/web/web.yaml
# web-0 is recreated, web-2 (beyond replicas) removed, and the adopted web-1 -- still on
# nginx-slim:0.21 from the sections above -- is rolled to web.yaml's 0.8 (RollingUpdate).
kubectl get pods --watch -l app=nginx
for i in 0 1; do kubectl exec -i -t "web-$i" -- curl http://localhost/; done
# Cascading delete
kubectl get pods --watch -l app=nginx
kubectl delete statefulset web
kubectl get pods --watch -l app=nginx
kubectl delete service nginx
kubectl apply -f https://k8s.io/examples/application/web/web.yaml
# Not in the tutorial: it says "When all of the StatefulSet's Pods transition to Running and
# Ready"; a script has to wait for that explicitly.
kubectl rollout status statefulset/web
for i in 0 1; do kubectl exec -i -t "web-$i" -- curl http://localhost/; done
kubectl delete service nginx
kubectl delete statefulset web
# Parallel Pod management. web-parallel.yaml labels its Pods app.kubernetes.io/name=nginx, so
# the tutorial's `-l app=nginx` watches do not show them; both objects were deleted above, so
# apply prints "created", not the tutorial's "updated".
kubectl get pod -l app=nginx --watch
kubectl apply -f https://k8s.io/examples/application/web/web-parallel.yaml
kubectl scale statefulset/web --replicas=5
kubectl get pod -l app.kubernetes.io/name=nginx --watch
# Cleaning up
kubectl delete sts web
kubectl get pod -l app=nginx --watch
kubectl delete svc nginx
kubectl get pvc
kubectl get pv
kubectl delete pvc www-web-0 www-web-1 www-web-2 www-web-3 www-web-4
kubectl get pvc
