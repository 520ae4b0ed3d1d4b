# StatefulSet Basics (current), "Creating a StatefulSet" through "Scaling Down".
# Commands run in order through one Session; the expected output is current-create.out.
kubectl get pods --watch -l app=nginx
kubectl apply -f https://k8s.io/examples/application/web/web.yaml
kubectl get service nginx
kubectl get statefulset web
kubectl get pods --watch -l app=nginx
kubectl get pods -l app=nginx
for i in 0 1; do kubectl exec "web-$i" -- sh -c 'hostname'; done
kubectl run -i --tty --image busybox:1.28 dns-test --restart=Never --rm
nslookup web-0.nginx
nslookup web-1.nginx
exit
kubectl get pvc -l app=nginx
for i in 0 1; do kubectl exec "web-$i" -- sh -c 'echo "$(hostname)" > /usr/share/nginx/html/index.html'; done
for i in 0 1; do kubectl exec -i -t "web-$i" -- curl http://localhost/; done
kubectl scale sts web --replicas=5
kubectl get pod --watch -l app=nginx
kubectl patch sts web -p '{"spec":{"replicas":3}}'
kubectl get pods --watch -l app=nginx
kubectl get pvc -l app=nginx
