# StatefulSet Basics as published in December 2016 (tests/checkdoc/statefulset-basics-2016.md),
# every command in order, run against v1.34. The expected output (2016.out) is what v1.34
# prints; comments say where the tutorial's text differs and why. web.yaml is the 2016 manifest
# ported to apps/v1 (tests/checkdoc/web.yaml: v1.34 rejects apps/v1beta1).
# A script runs at machine speed: `sleep` stands in for the reader's pace where the tutorial
# waits ("sleep" lines are not in the tutorial).
#
# Creating a Stateful Set. The tutorial's typo: v1.34 kubectl says the path does not exist;
# the next line is what the reader does about it.
kubectl create -f web.yml
kubectl create -f web.yaml
# v1.34: a TYPE column, and READY instead of DESIRED/CURRENT (0/2: nothing is Ready yet).
kubectl get service nginx
kubectl get statefulset web
sleep 20
kubectl get pods -l app=nginx
kubectl get po
for i in 0 1; do kubectl exec web-$i -- sh -c 'hostname'; done
# Unpinned busybox is busybox >= 1.29: the newer nslookup output format (the tutorial shows
# busybox 1.28's). The tutorial leaves the shell open; `exit` ends it (no --rm: the Pod stays).
kubectl run -i --tty --image busybox dns-test --restart=Never /bin/sh
nslookup web-0.nginx
nslookup web-1.nginx
exit
# v1.34 columns (ACCESS MODES, STORAGECLASS, VOLUMEATTRIBUTESCLASS). The tutorial's volume names
# belong to its own cluster: NotFound here.
kubectl get pvc -l app=nginx
kubectl get pv pvc-883e5172-b03b-11e6-adfc-42010a800002 pvc-88445cb0-b03b-11e6-adfc-42010a800002
for i in 0 1; do
  kubectl exec web-$i -- sh -c 'echo $(hostname) > /usr/share/nginx/html/index.html';
done
for i in 0 1; do kubectl exec -it web-$i -- curl localhost; done
# Deleting Pods (v1.34: "deleted from default namespace").
kubectl delete po -l app=nginx
kubectl get -w po -l app=nginx
for i in 0 1; do kubectl exec web-$i -- sh -c 'hostname'; done
# The first dns-test Pod still exists: AlreadyExists, and the nslookups then run in the
# learner's own shell.
kubectl run -i --tty --image busybox dns-test --restart=Never /bin/sh
nslookup web-0.nginx
nslookup web-1.nginx
for i in 0 1; do kubectl exec -it web-$i -- curl localhost; done
# Non-cascading delete: --cascade=false still works, with a deprecation warning.
kubectl delete statefulset web --cascade=false
kubectl get pods -l app=nginx
kubectl delete pod web-0
kubectl get pods -l app=nginx
kubectl create -f web.yaml
sleep 10
kubectl get pods -l app=nginx
for i in 0 1; do kubectl exec -it web-$i -- curl localhost; done
# Cascading delete: kubectl no longer scales the set down one Pod at a time before deleting
# it (the 2016 "reaper"); it returns at once and the garbage collector deletes both Pods
# together, so right after it they are still listed.
kubectl delete statefulset web
kubectl get pods -l app=nginx
kubectl delete service nginx
sleep 10
kubectl create -f web.yaml
sleep 20
for i in 0 1; do kubectl exec -it web-$i -- curl localhost; done
# Scaling.
kubectl scale statefulset web --replicas=5
kubectl get pods -w -l app=nginx
kubectl patch statefulset web -p '{"spec":{"replicas":3}}'
# The patch above already scaled to 3: this scale changes nothing, and the watch shows the
# end of the scale-down the patch started.
kubectl scale statefulset web --replicas=3
kubectl get pods -w -l app=nginx
kubectl get pvc -l app=nginx
# Upgrading container images: under apps/v1's default RollingUpdate strategy the patch alone
# replaces every Pod (2016: nothing happened until a Pod was deleted).
kubectl patch statefulset web --type='json' -p='[{"op": "replace", "path": "/spec/template/spec/containers/0/image", "value":"gcr.io/google_containers/nginx-slim:0.7"}]'
kubectl delete pod web-0
# web-0 is being recreated and the rollout is under way (web-2 first).
for p in 0 1 2; do kubectl get po web-$p --template '{{range $i, $c := .spec.containers}}{{$c.image}}{{end}}'; echo; done
# Once the rollout is done every Pod runs 0.7 -- before the tutorial deletes the other two.
sleep 60
for p in 0 1 2; do kubectl get po web-$p --template '{{range $i, $c := .spec.containers}}{{$c.image}}{{end}}'; echo; done
kubectl delete po web-0
# The tutorial lists the images right away too: the new web-0 does not exist yet.
for p in 0 1 2; do kubectl get po web-$p --template '{{range $i, $c := .spec.containers}}{{$c.image}}{{end}}'; echo; done
kubectl delete pod web-1 web-2
kubectl get pods -w -l app=nginx
for p in 0 1 2; do kubectl get po web-$p --template '{{range $i, $c := .spec.containers}}{{$c.image}}{{end}}'; echo; done
