//! A compact table of the v1.34 wire schema of the kinds Ordinal serves: for each Go struct,
//! its JSON field names and their Go types. The strict decoder (`decode.rs`) walks a request
//! body against it to reproduce the apiserver's `unknown field "…"` and
//! `json: cannot unmarshal …` errors without linking the full Kubernetes type library
//! (k8s-openapi alone costs ≈ 90 KB brotli in the wasm bundle; this table is a few KB).
//!
//! Grammar: one struct per line, `Name field:type field:type …`. Types:
//! `s` string · `~pkg.T` a named string type (`~v1.Protocol`) · `b` bool · `i32` · `i64` ·
//! `q` resource.Quantity · `ios` intstr.IntOrString · `t` metav1.Time / MicroTime ·
//! `rl` v1.ResourceList · `*` anything (RawExtension, FieldsV1, and rarely used sources kept
//! permissive so that a valid manifest is never refused) · `Name` another struct (Go type
//! `v1.Name`; every package involved is named `v1`) · `[T]` slice · `{T}` map[string]T.
//!
//! Field lists follow `k8s.io/api` at v0.34 (core/v1, apps/v1, storage/v1, discovery/v1).
//! Fields behind disabled feature gates still decode (the registry drops them later), so
//! they are listed too.

use crate::vecmap::VecMap;
use std::sync::OnceLock;

const SCHEMA: &str = r#"
ObjectMeta name:s generateName:s namespace:s selfLink:s uid:~types.UID resourceVersion:s generation:i64 creationTimestamp:t deletionTimestamp:t deletionGracePeriodSeconds:i64 labels:{s} annotations:{s} ownerReferences:[OwnerReference] finalizers:[s] managedFields:[ManagedFieldsEntry]
OwnerReference apiVersion:s kind:s name:s uid:~types.UID controller:b blockOwnerDeletion:b
ManagedFieldsEntry manager:s operation:~v1.ManagedFieldsOperationType apiVersion:s time:t fieldsType:s fieldsV1:* subresource:s
LabelSelector matchLabels:{s} matchExpressions:[LabelSelectorRequirement]
LabelSelectorRequirement key:s operator:~v1.LabelSelectorOperator values:[s]
ObjectReference kind:s namespace:s name:s uid:~types.UID apiVersion:s resourceVersion:s fieldPath:s
LocalObjectReference name:s
TypedLocalObjectReference apiGroup:s kind:s name:s
TypedObjectReference apiGroup:s kind:s name:s namespace:s
Condition type:s status:~v1.ConditionStatus observedGeneration:i64 lastTransitionTime:t reason:s message:s

StatefulSet apiVersion:s kind:s metadata:ObjectMeta spec:StatefulSetSpec status:StatefulSetStatus
StatefulSetSpec replicas:i32 selector:LabelSelector template:PodTemplateSpec volumeClaimTemplates:[PersistentVolumeClaim] serviceName:s podManagementPolicy:~v1.PodManagementPolicyType updateStrategy:StatefulSetUpdateStrategy revisionHistoryLimit:i32 minReadySeconds:i32 persistentVolumeClaimRetentionPolicy:StatefulSetPersistentVolumeClaimRetentionPolicy ordinals:StatefulSetOrdinals
StatefulSetUpdateStrategy type:~v1.StatefulSetUpdateStrategyType rollingUpdate:RollingUpdateStatefulSetStrategy
RollingUpdateStatefulSetStrategy partition:i32 maxUnavailable:ios
StatefulSetPersistentVolumeClaimRetentionPolicy whenDeleted:~v1.PersistentVolumeClaimRetentionPolicyType whenScaled:~v1.PersistentVolumeClaimRetentionPolicyType
StatefulSetOrdinals start:i32
StatefulSetStatus observedGeneration:i64 replicas:i32 readyReplicas:i32 currentReplicas:i32 updatedReplicas:i32 currentRevision:s updateRevision:s collisionCount:i32 conditions:[StatefulSetCondition] availableReplicas:i32
StatefulSetCondition type:~v1.StatefulSetConditionType status:~v1.ConditionStatus lastTransitionTime:t reason:s message:s
ControllerRevision apiVersion:s kind:s metadata:ObjectMeta data:* revision:i64

PodTemplateSpec metadata:ObjectMeta spec:PodSpec
Pod apiVersion:s kind:s metadata:ObjectMeta spec:PodSpec status:PodStatus
PodSpec volumes:[Volume] initContainers:[Container] containers:[Container] ephemeralContainers:[EphemeralContainer] restartPolicy:~v1.RestartPolicy terminationGracePeriodSeconds:i64 activeDeadlineSeconds:i64 dnsPolicy:~v1.DNSPolicy nodeSelector:{s} serviceAccountName:s serviceAccount:s automountServiceAccountToken:b nodeName:s hostNetwork:b hostPID:b hostIPC:b shareProcessNamespace:b securityContext:PodSecurityContext imagePullSecrets:[LocalObjectReference] hostname:s subdomain:s affinity:Affinity schedulerName:s tolerations:[Toleration] hostAliases:[HostAlias] priorityClassName:s priority:i32 dnsConfig:PodDNSConfig readinessGates:[PodReadinessGate] runtimeClassName:s enableServiceLinks:b preemptionPolicy:~v1.PreemptionPolicy overhead:rl topologySpreadConstraints:[TopologySpreadConstraint] setHostnameAsFQDN:b os:PodOS hostUsers:b schedulingGates:[PodSchedulingGate] resourceClaims:[PodResourceClaim] resources:ResourceRequirements hostnameOverride:s
Container name:s image:s command:[s] args:[s] workingDir:s ports:[ContainerPort] envFrom:[EnvFromSource] env:[EnvVar] resources:ResourceRequirements resizePolicy:[ContainerResizePolicy] restartPolicy:~v1.ContainerRestartPolicy restartPolicyRules:[ContainerRestartRule] volumeMounts:[VolumeMount] volumeDevices:[VolumeDevice] livenessProbe:Probe readinessProbe:Probe startupProbe:Probe lifecycle:Lifecycle terminationMessagePath:s terminationMessagePolicy:~v1.TerminationMessagePolicy imagePullPolicy:~v1.PullPolicy securityContext:SecurityContext stdin:b stdinOnce:b tty:b
EphemeralContainer name:s image:s command:[s] args:[s] workingDir:s ports:[ContainerPort] envFrom:[EnvFromSource] env:[EnvVar] resources:ResourceRequirements resizePolicy:[ContainerResizePolicy] restartPolicy:~v1.ContainerRestartPolicy restartPolicyRules:[ContainerRestartRule] volumeMounts:[VolumeMount] volumeDevices:[VolumeDevice] livenessProbe:Probe readinessProbe:Probe startupProbe:Probe lifecycle:Lifecycle terminationMessagePath:s terminationMessagePolicy:~v1.TerminationMessagePolicy imagePullPolicy:~v1.PullPolicy securityContext:SecurityContext stdin:b stdinOnce:b tty:b targetContainerName:s
ContainerPort name:s hostPort:i32 containerPort:i32 protocol:~v1.Protocol hostIP:s
EnvVar name:s value:s valueFrom:EnvVarSource
EnvVarSource fieldRef:ObjectFieldSelector resourceFieldRef:ResourceFieldSelector configMapKeyRef:ConfigMapKeySelector secretKeyRef:SecretKeySelector fileKeyRef:FileKeySelector
ObjectFieldSelector apiVersion:s fieldPath:s
ResourceFieldSelector containerName:s resource:s divisor:q
ConfigMapKeySelector name:s key:s optional:b
SecretKeySelector name:s key:s optional:b
FileKeySelector volumeName:s path:s key:s optional:b
EnvFromSource prefix:s configMapRef:ConfigMapEnvSource secretRef:SecretEnvSource
ConfigMapEnvSource name:s optional:b
SecretEnvSource name:s optional:b
ResourceRequirements limits:rl requests:rl claims:[ResourceClaim]
ResourceClaim name:s request:s
ContainerResizePolicy resourceName:~v1.ResourceName restartPolicy:~v1.ResourceResizeRestartPolicy
ContainerRestartRule action:~v1.ContainerRestartRuleAction exitCodes:ContainerRestartRuleOnExitCodes
ContainerRestartRuleOnExitCodes operator:~v1.ContainerRestartRuleOnExitCodesOperator values:[i32]
VolumeMount name:s readOnly:b recursiveReadOnly:~v1.RecursiveReadOnlyMode mountPath:s subPath:s mountPropagation:~v1.MountPropagationMode subPathExpr:s
VolumeDevice name:s devicePath:s
Probe exec:ExecAction httpGet:HTTPGetAction tcpSocket:TCPSocketAction grpc:GRPCAction initialDelaySeconds:i32 timeoutSeconds:i32 periodSeconds:i32 successThreshold:i32 failureThreshold:i32 terminationGracePeriodSeconds:i64
ExecAction command:[s]
HTTPGetAction path:s port:ios host:s scheme:~v1.URIScheme httpHeaders:[HTTPHeader]
HTTPHeader name:s value:s
TCPSocketAction port:ios host:s
GRPCAction port:i32 service:s
Lifecycle postStart:LifecycleHandler preStop:LifecycleHandler stopSignal:~v1.Signal
LifecycleHandler exec:ExecAction httpGet:HTTPGetAction tcpSocket:TCPSocketAction sleep:SleepAction
SleepAction seconds:i64
SecurityContext capabilities:Capabilities privileged:b seLinuxOptions:SELinuxOptions windowsOptions:WindowsSecurityContextOptions runAsUser:i64 runAsGroup:i64 runAsNonRoot:b readOnlyRootFilesystem:b allowPrivilegeEscalation:b procMount:~v1.ProcMountType seccompProfile:SeccompProfile appArmorProfile:AppArmorProfile
Capabilities add:[~v1.Capability] drop:[~v1.Capability]
SELinuxOptions user:s role:s type:s level:s
WindowsSecurityContextOptions gmsaCredentialSpecName:s gmsaCredentialSpec:s runAsUserName:s hostProcess:b
SeccompProfile type:~v1.SeccompProfileType localhostProfile:s
AppArmorProfile type:~v1.AppArmorProfileType localhostProfile:s
PodSecurityContext seLinuxOptions:SELinuxOptions windowsOptions:WindowsSecurityContextOptions runAsUser:i64 runAsGroup:i64 runAsNonRoot:b supplementalGroups:[i64] supplementalGroupsPolicy:~v1.SupplementalGroupsPolicy fsGroup:i64 sysctls:[Sysctl] fsGroupChangePolicy:~v1.PodFSGroupChangePolicy seccompProfile:SeccompProfile appArmorProfile:AppArmorProfile seLinuxChangePolicy:~v1.PodSELinuxChangePolicy
Sysctl name:s value:s
Affinity nodeAffinity:NodeAffinity podAffinity:PodAffinity podAntiAffinity:PodAntiAffinity
NodeAffinity requiredDuringSchedulingIgnoredDuringExecution:NodeSelector preferredDuringSchedulingIgnoredDuringExecution:[PreferredSchedulingTerm]
NodeSelector nodeSelectorTerms:[NodeSelectorTerm]
NodeSelectorTerm matchExpressions:[NodeSelectorRequirement] matchFields:[NodeSelectorRequirement]
NodeSelectorRequirement key:s operator:~v1.NodeSelectorOperator values:[s]
PreferredSchedulingTerm weight:i32 preference:NodeSelectorTerm
PodAffinity requiredDuringSchedulingIgnoredDuringExecution:[PodAffinityTerm] preferredDuringSchedulingIgnoredDuringExecution:[WeightedPodAffinityTerm]
PodAntiAffinity requiredDuringSchedulingIgnoredDuringExecution:[PodAffinityTerm] preferredDuringSchedulingIgnoredDuringExecution:[WeightedPodAffinityTerm]
PodAffinityTerm labelSelector:LabelSelector namespaces:[s] topologyKey:s namespaceSelector:LabelSelector matchLabelKeys:[s] mismatchLabelKeys:[s]
WeightedPodAffinityTerm weight:i32 podAffinityTerm:PodAffinityTerm
Toleration key:s operator:~v1.TolerationOperator value:s effect:~v1.TaintEffect tolerationSeconds:i64
HostAlias ip:s hostnames:[s]
PodDNSConfig nameservers:[s] searches:[s] options:[PodDNSConfigOption]
PodDNSConfigOption name:s value:s
PodReadinessGate conditionType:~v1.PodConditionType
TopologySpreadConstraint maxSkew:i32 topologyKey:s whenUnsatisfiable:~v1.UnsatisfiableConstraintAction labelSelector:LabelSelector minDomains:i32 nodeAffinityPolicy:~v1.NodeInclusionPolicy nodeTaintsPolicy:~v1.NodeInclusionPolicy matchLabelKeys:[s]
PodOS name:~v1.OSName
PodSchedulingGate name:s
PodResourceClaim name:s resourceClaimName:s resourceClaimTemplateName:s
Volume name:s hostPath:HostPathVolumeSource emptyDir:EmptyDirVolumeSource gcePersistentDisk:* awsElasticBlockStore:* gitRepo:* secret:SecretVolumeSource nfs:NFSVolumeSource iscsi:* glusterfs:* persistentVolumeClaim:PersistentVolumeClaimVolumeSource rbd:* flexVolume:* cinder:* cephfs:* flocker:* downwardAPI:DownwardAPIVolumeSource fc:* azureFile:* configMap:ConfigMapVolumeSource vsphereVolume:* quobyte:* azureDisk:* photonPersistentDisk:* projected:ProjectedVolumeSource portworxVolume:* scaleIO:* storageos:* csi:CSIVolumeSource ephemeral:EphemeralVolumeSource image:ImageVolumeSource
HostPathVolumeSource path:s type:~v1.HostPathType
EmptyDirVolumeSource medium:~v1.StorageMedium sizeLimit:q
SecretVolumeSource secretName:s items:[KeyToPath] defaultMode:i32 optional:b
NFSVolumeSource server:s path:s readOnly:b
PersistentVolumeClaimVolumeSource claimName:s readOnly:b
DownwardAPIVolumeSource items:[DownwardAPIVolumeFile] defaultMode:i32
DownwardAPIVolumeFile path:s fieldRef:ObjectFieldSelector resourceFieldRef:ResourceFieldSelector mode:i32
ConfigMapVolumeSource name:s items:[KeyToPath] defaultMode:i32 optional:b
KeyToPath key:s path:s mode:i32
ProjectedVolumeSource sources:[VolumeProjection] defaultMode:i32
VolumeProjection secret:SecretProjection downwardAPI:DownwardAPIProjection configMap:ConfigMapProjection serviceAccountToken:ServiceAccountTokenProjection clusterTrustBundle:* podCertificate:*
SecretProjection name:s items:[KeyToPath] optional:b
ConfigMapProjection name:s items:[KeyToPath] optional:b
DownwardAPIProjection items:[DownwardAPIVolumeFile]
ServiceAccountTokenProjection audience:s expirationSeconds:i64 path:s
CSIVolumeSource driver:s readOnly:b fsType:s volumeAttributes:{s} nodePublishSecretRef:LocalObjectReference
EphemeralVolumeSource volumeClaimTemplate:PersistentVolumeClaimTemplate
PersistentVolumeClaimTemplate metadata:ObjectMeta spec:PersistentVolumeClaimSpec
ImageVolumeSource reference:s pullPolicy:~v1.PullPolicy
PodStatus observedGeneration:i64 phase:~v1.PodPhase conditions:[PodCondition] message:s reason:s nominatedNodeName:s hostIP:s hostIPs:[HostIP] podIP:s podIPs:[PodIP] startTime:t initContainerStatuses:[ContainerStatus] containerStatuses:[ContainerStatus] qosClass:~v1.PodQOSClass ephemeralContainerStatuses:[ContainerStatus] resize:~v1.PodResizeStatus resourceClaimStatuses:* extendedResourceClaimStatus:*
PodCondition type:~v1.PodConditionType observedGeneration:i64 status:~v1.ConditionStatus lastProbeTime:t lastTransitionTime:t reason:s message:s
HostIP ip:s
PodIP ip:s
ContainerStatus name:s state:ContainerState lastState:ContainerState ready:b restartCount:i32 image:s imageID:s containerID:s started:b allocatedResources:rl resources:ResourceRequirements volumeMounts:* user:* allocatedResourcesStatus:* stopSignal:~v1.Signal
ContainerState waiting:ContainerStateWaiting running:ContainerStateRunning terminated:ContainerStateTerminated
ContainerStateWaiting reason:s message:s
ContainerStateRunning startedAt:t
ContainerStateTerminated exitCode:i32 signal:i32 reason:s message:s startedAt:t finishedAt:t containerID:s

PersistentVolumeClaim apiVersion:s kind:s metadata:ObjectMeta spec:PersistentVolumeClaimSpec status:PersistentVolumeClaimStatus
PersistentVolumeClaimSpec accessModes:[~v1.PersistentVolumeAccessMode] selector:LabelSelector resources:VolumeResourceRequirements volumeName:s storageClassName:s volumeMode:~v1.PersistentVolumeMode dataSource:TypedLocalObjectReference dataSourceRef:TypedObjectReference volumeAttributesClassName:s
VolumeResourceRequirements limits:rl requests:rl
PersistentVolumeClaimStatus phase:~v1.PersistentVolumeClaimPhase accessModes:[~v1.PersistentVolumeAccessMode] capacity:rl conditions:* allocatedResources:rl allocatedResourceStatuses:{s} currentVolumeAttributesClassName:s modifyVolumeStatus:*
PersistentVolume apiVersion:s kind:s metadata:ObjectMeta spec:PersistentVolumeSpec status:PersistentVolumeStatus
PersistentVolumeSpec capacity:rl gcePersistentDisk:* awsElasticBlockStore:* hostPath:HostPathVolumeSource glusterfs:* nfs:NFSVolumeSource rbd:* iscsi:* cinder:* cephfs:* fc:* flocker:* flexVolume:* azureFile:* vsphereVolume:* quobyte:* azureDisk:* photonPersistentDisk:* portworxVolume:* scaleIO:* local:LocalVolumeSource storageos:* csi:* accessModes:[~v1.PersistentVolumeAccessMode] claimRef:ObjectReference persistentVolumeReclaimPolicy:~v1.PersistentVolumeReclaimPolicy storageClassName:s mountOptions:[s] volumeMode:~v1.PersistentVolumeMode nodeAffinity:VolumeNodeAffinity volumeAttributesClassName:s
LocalVolumeSource path:s fsType:s
VolumeNodeAffinity required:NodeSelector
PersistentVolumeStatus phase:~v1.PersistentVolumePhase message:s reason:s lastPhaseTransitionTime:t
StorageClass apiVersion:s kind:s metadata:ObjectMeta provisioner:s parameters:{s} reclaimPolicy:~v1.PersistentVolumeReclaimPolicy mountOptions:[s] allowVolumeExpansion:b volumeBindingMode:~v1.VolumeBindingMode allowedTopologies:[TopologySelectorTerm]
TopologySelectorTerm matchLabelExpressions:[TopologySelectorLabelRequirement]
TopologySelectorLabelRequirement key:s values:[s]

Service apiVersion:s kind:s metadata:ObjectMeta spec:ServiceSpec status:ServiceStatus
ServiceSpec ports:[ServicePort] selector:{s} clusterIP:s clusterIPs:[s] type:~v1.ServiceType externalIPs:[s] sessionAffinity:~v1.ServiceAffinity loadBalancerIP:s loadBalancerSourceRanges:[s] externalName:s externalTrafficPolicy:~v1.ServiceExternalTrafficPolicy healthCheckNodePort:i32 publishNotReadyAddresses:b sessionAffinityConfig:SessionAffinityConfig ipFamilies:[~v1.IPFamily] ipFamilyPolicy:~v1.IPFamilyPolicy allocateLoadBalancerNodePorts:b loadBalancerClass:s internalTrafficPolicy:~v1.ServiceInternalTrafficPolicy trafficDistribution:s
ServicePort name:s protocol:~v1.Protocol appProtocol:s port:i32 targetPort:ios nodePort:i32
SessionAffinityConfig clientIP:ClientIPConfig
ClientIPConfig timeoutSeconds:i32
ServiceStatus loadBalancer:LoadBalancerStatus conditions:[Condition]
LoadBalancerStatus ingress:[LoadBalancerIngress]
LoadBalancerIngress ip:s hostname:s ipMode:~v1.LoadBalancerIPMode ports:[PortStatus]
PortStatus port:i32 protocol:~v1.Protocol error:s
Endpoints apiVersion:s kind:s metadata:ObjectMeta subsets:[EndpointSubset]
EndpointSubset addresses:[EndpointAddress] notReadyAddresses:[EndpointAddress] ports:[EndpointPort]
EndpointAddress ip:s hostname:s nodeName:s targetRef:ObjectReference
EndpointPort name:s port:i32 protocol:~v1.Protocol appProtocol:s
EndpointSlice apiVersion:s kind:s metadata:ObjectMeta addressType:~v1.AddressType endpoints:[Endpoint] ports:[EndpointPort]
Endpoint addresses:[s] conditions:EndpointConditions hostname:s targetRef:ObjectReference deprecatedTopology:{s} nodeName:s zone:s hints:EndpointHints
EndpointConditions ready:b serving:b terminating:b
EndpointHints forZones:[ForZone] forNodes:[ForNode]
ForZone name:s
ForNode name:s
Namespace apiVersion:s kind:s metadata:ObjectMeta spec:NamespaceSpec status:NamespaceStatus
NamespaceSpec finalizers:[~v1.FinalizerName]
NamespaceStatus phase:~v1.NamespacePhase conditions:[NamespaceCondition]
NamespaceCondition type:~v1.NamespaceConditionType status:~v1.ConditionStatus lastTransitionTime:t reason:s message:s
Node apiVersion:s kind:s metadata:ObjectMeta spec:NodeSpec status:NodeStatus
NodeSpec podCIDR:s podCIDRs:[s] providerID:s unschedulable:b taints:[Taint] configSource:* externalID:s
Taint key:s value:s effect:~v1.TaintEffect timeAdded:t
NodeStatus capacity:rl allocatable:rl phase:~v1.NodePhase conditions:[NodeCondition] addresses:[NodeAddress] daemonEndpoints:* nodeInfo:* images:* volumesInUse:[~v1.UniqueVolumeName] volumesAttached:* config:* runtimeHandlers:* features:* declaredFeatures:[s]
NodeCondition type:~v1.NodeConditionType status:~v1.ConditionStatus lastHeartbeatTime:t lastTransitionTime:t reason:s message:s
NodeAddress type:~v1.NodeAddressType address:s
Event apiVersion:s kind:s metadata:ObjectMeta involvedObject:ObjectReference reason:s message:s source:EventSource firstTimestamp:t lastTimestamp:t count:i32 type:s eventTime:t series:EventSeries action:s related:ObjectReference reportingComponent:s reportingInstance:s
EventSource component:s host:s
EventSeries count:i32 lastObservedTime:t
ResourceQuota apiVersion:s kind:s metadata:ObjectMeta spec:ResourceQuotaSpec status:ResourceQuotaStatus
ResourceQuotaSpec hard:rl scopes:[~v1.ResourceQuotaScope] scopeSelector:*
ResourceQuotaStatus hard:rl used:rl
"#;

/// The Go type of one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ty {
    /// A string kind; the Go type name (`string`, `v1.Protocol`).
    Str(String),
    Bool,
    I32,
    I64,
    Quantity,
    IntOrString,
    Time,
    ResourceList,
    Any,
    /// Index into [`Schema::structs`].
    Struct(usize),
    Slice(Box<Ty>),
    Map(Box<Ty>),
}

#[derive(Debug)]
pub struct StructDef {
    /// The Go type name (`ContainerPort`) — what type errors call `Go struct field ContainerPort.…`.
    pub name: String,
    pub fields: VecMap<String, Ty>,
}

#[derive(Debug)]
pub struct Schema {
    pub structs: Vec<StructDef>,
    by_name: VecMap<String, usize>,
}

impl Schema {
    pub fn get() -> &'static Schema {
        static SCHEMA_CELL: OnceLock<Schema> = OnceLock::new();
        SCHEMA_CELL.get_or_init(|| Schema::parse(SCHEMA))
    }

    pub fn root(&self, struct_name: &str) -> Option<usize> {
        self.by_name.get(struct_name).copied()
    }

    fn parse(text: &str) -> Schema {
        let lines: Vec<Vec<&str>> = text
            .lines()
            .map(|l| l.split_whitespace().collect::<Vec<_>>())
            .filter(|t| !t.is_empty())
            .collect();
        let by_name: VecMap<String, usize> =
            VecMap::from_iter(lines.iter().enumerate().map(|(i, t)| (t[0].to_string(), i)));
        let structs = lines
            .iter()
            .map(|t| StructDef {
                name: t[0].to_string(),
                fields: VecMap::from_iter(t[1..].iter().filter_map(|f| {
                    let (name, ty) = f.split_once(':')?;
                    Some((name.to_string(), parse_ty(ty, &by_name)))
                })),
            })
            .collect();
        Schema { structs, by_name }
    }

    /// Go's `reflect.Type.String()` for a field type (`[]v1.Container`, `map[string]string`).
    pub fn go_type(&self, ty: &Ty) -> String {
        match ty {
            Ty::Str(name) => name.clone(),
            Ty::Bool => "bool".into(),
            Ty::I32 => "int32".into(),
            Ty::I64 => "int64".into(),
            Ty::Quantity => "resource.Quantity".into(),
            Ty::IntOrString => "intstr.IntOrString".into(),
            Ty::Time => "v1.Time".into(),
            Ty::ResourceList => "v1.ResourceList".into(),
            Ty::Any => "interface {}".into(),
            Ty::Struct(i) => format!("v1.{}", self.structs[*i].name),
            Ty::Slice(t) => format!("[]{}", self.go_type(t)),
            Ty::Map(t) => format!("map[string]{}", self.go_type(t)),
        }
    }
}

fn parse_ty(tok: &str, by_name: &VecMap<String, usize>) -> Ty {
    if let Some(inner) = tok.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
        return Ty::Slice(Box::new(parse_ty(inner, by_name)));
    }
    if let Some(inner) = tok.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
        return Ty::Map(Box::new(parse_ty(inner, by_name)));
    }
    if let Some(named) = tok.strip_prefix('~') {
        return Ty::Str(named.to_string());
    }
    match tok {
        "s" => Ty::Str("string".into()),
        "b" => Ty::Bool,
        "i32" => Ty::I32,
        "i64" => Ty::I64,
        "q" => Ty::Quantity,
        "ios" => Ty::IntOrString,
        "t" => Ty::Time,
        "rl" => Ty::ResourceList,
        "*" => Ty::Any,
        name => by_name.get(name).map_or(Ty::Any, |&i| Ty::Struct(i)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_struct_reference_resolves() {
        // A typo in the table would silently turn a struct into `Any`; catch it here.
        for line in SCHEMA.lines() {
            for tok in line.split_whitespace().skip(1) {
                let (_, ty) = tok.split_once(':').expect("field:type");
                let base = ty.trim_matches(|c| c == '[' || c == ']' || c == '{' || c == '}');
                if base.chars().next().is_some_and(|c| c.is_ascii_uppercase()) {
                    assert!(
                        Schema::get().root(base).is_some(),
                        "unknown struct {base} in {line}"
                    );
                }
            }
        }
    }

    #[test]
    fn go_type_names() {
        let s = Schema::get();
        let spec = &s.structs[s.root("PodSpec").unwrap()];
        assert_eq!(s.go_type(&spec.fields["containers"]), "[]v1.Container");
        assert_eq!(s.go_type(&spec.fields["nodeSelector"]), "map[string]string");
        assert_eq!(s.go_type(&spec.fields["restartPolicy"]), "v1.RestartPolicy");
    }
}
