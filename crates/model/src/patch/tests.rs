use super::*;
use serde_json::json;

fn sts() -> Value {
    json!({
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": {"name": "web", "namespace": "default", "finalizers": ["a"]},
        "spec": {
            "replicas": 2,
            "serviceName": "nginx",
            "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}},
            "template": {
                "metadata": {"labels": {"app": "nginx"}},
                "spec": {
                    "containers": [{
                        "name": "nginx",
                        "image": "registry.k8s.io/nginx-slim:0.8",
                        "ports": [{"containerPort": 80, "name": "web", "protocol": "TCP"}],
                        "volumeMounts": [{"name": "www", "mountPath": "/usr/share/nginx/html"}],
                        "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}]
                    }],
                    "tolerations": [{"key": "x", "operator": "Exists"}]
                }
            },
            "volumeClaimTemplates": [{"metadata": {"name": "www"}, "spec": {"accessModes": ["ReadWriteOnce"]}}]
        }
    })
}

fn smp(orig: &Value, patch: Value) -> Value {
    apply_patch(
        &schema_for_kind("StatefulSet"),
        orig,
        &patch,
        PatchType::Strategic,
    )
    .unwrap()
}

#[test]
fn ondelete_trap_keeps_rolling_update() {
    let out = smp(
        &sts(),
        json!({"spec": {"updateStrategy": {"type": "OnDelete"}}}),
    );
    assert_eq!(
        out["spec"]["updateStrategy"],
        json!({"type": "OnDelete", "rollingUpdate": {"partition": 0}})
    );
    let out = smp(
        &sts(),
        json!({"spec": {"updateStrategy": {"type": "OnDelete", "rollingUpdate": null}}}),
    );
    assert_eq!(out["spec"]["updateStrategy"], json!({"type": "OnDelete"}));
    // Merge patch behaves the same way on this field.
    let out = apply_patch(
        &Schema::default(),
        &sts(),
        &json!({"spec": {"updateStrategy": {"type": "OnDelete"}}}),
        PatchType::Merge,
    )
    .unwrap();
    assert_eq!(
        out["spec"]["updateStrategy"]["rollingUpdate"],
        json!({"partition": 0})
    );
}

#[test]
fn deployment_strategy_has_retain_keys_metadata() {
    let s = schema_for_kind("Deployment");
    assert!(s.rule("spec.strategy").unwrap().retain_keys);
    assert!(schema_for_kind("StatefulSet")
        .rule("spec.updateStrategy")
        .is_none());
}

#[test]
fn containers_merge_by_name_image_patch() {
    let out = smp(
        &sts(),
        json!({"spec": {"template": {"spec": {"containers": [{"name": "nginx", "image": "registry.k8s.io/nginx-slim:0.7"}]}}}}),
    );
    let c = &out["spec"]["template"]["spec"]["containers"];
    assert_eq!(c.as_array().unwrap().len(), 1);
    assert_eq!(c[0]["image"], json!("registry.k8s.io/nginx-slim:0.7"));
    assert_eq!(c[0]["ports"][0]["containerPort"], json!(80));
}

#[test]
fn new_list_items_come_first_like_upstream() {
    let out = smp(
        &sts(),
        json!({"spec": {"template": {"spec": {"containers": [{"name": "nginx", "env": [{"name": "C", "value": "3"}]}]}}}}),
    );
    let env = &out["spec"]["template"]["spec"]["containers"][0]["env"];
    assert_eq!(
        env,
        &json!([{"name": "C", "value": "3"}, {"name": "A", "value": "1"}, {"name": "B", "value": "2"}])
    );
    // Existing item updated in place.
    let out = smp(
        &sts(),
        json!({"spec": {"template": {"spec": {"containers": [{"name": "nginx", "env": [{"name": "B", "value": "20"}]}]}}}}),
    );
    assert_eq!(
        out["spec"]["template"]["spec"]["containers"][0]["env"],
        json!([{"name": "A", "value": "1"}, {"name": "B", "value": "20"}])
    );
}

#[test]
fn directives() {
    // $patch: delete on a list item, by merge key.
    let out = smp(
        &sts(),
        json!({"spec": {"template": {"spec": {"containers": [{"name": "nginx", "env": [{"name": "A", "$patch": "delete"}]}]}}}}),
    );
    assert_eq!(
        out["spec"]["template"]["spec"]["containers"][0]["env"],
        json!([{"name": "B", "value": "2"}])
    );
    // $patch: replace on a list.
    let out = smp(
        &sts(),
        json!({"spec": {"template": {"spec": {"containers": [{"name": "other", "image": "busybox"}, {"$patch": "replace"}]}}}}),
    );
    assert_eq!(
        out["spec"]["template"]["spec"]["containers"],
        json!([{"name": "other", "image": "busybox"}])
    );
    // $patch: replace on a map.
    let out = smp(
        &sts(),
        json!({"spec": {"updateStrategy": {"$patch": "replace", "type": "OnDelete"}}}),
    );
    assert_eq!(out["spec"]["updateStrategy"], json!({"type": "OnDelete"}));
    // $patch: delete on a map.
    let out = smp(
        &sts(),
        json!({"spec": {"updateStrategy": {"$patch": "delete"}}}),
    );
    assert_eq!(out["spec"]["updateStrategy"], json!({}));
    // $retainKeys.
    let out = smp(
        &sts(),
        json!({"spec": {"updateStrategy": {"$retainKeys": ["type"], "type": "OnDelete"}}}),
    );
    assert_eq!(out["spec"]["updateStrategy"], json!({"type": "OnDelete"}));
    let e = apply_patch(
        &schema_for_kind("StatefulSet"),
        &sts(),
        &json!({"spec": {"updateStrategy": {"$retainKeys": ["x"], "type": "OnDelete"}}}),
        PatchType::Strategic,
    )
    .unwrap_err();
    assert_eq!(e.to_string(), "invalid patch format of retainKeys");
    // $deleteFromPrimitiveList and merge-as-set finalizers.
    let out = smp(
        &sts(),
        json!({"metadata": {"$deleteFromPrimitiveList/finalizers": ["a"]}}),
    );
    assert_eq!(out["metadata"]["finalizers"], json!([]));
    let out = smp(&sts(), json!({"metadata": {"finalizers": ["b", "a"]}}));
    assert_eq!(out["metadata"]["finalizers"], json!(["b", "a"]));
    let out = smp(&sts(), json!({"metadata": {"finalizers": ["z"]}}));
    assert_eq!(out["metadata"]["finalizers"], json!(["z", "a"]));
    // $setElementOrder.
    let out = smp(
        &sts(),
        json!({"spec": {"template": {"spec": {"containers": [{"name": "nginx",
            "$setElementOrder/env": [{"name": "B"}, {"name": "A"}]}]}}}}),
    );
    assert_eq!(
        out["spec"]["template"]["spec"]["containers"][0]["env"],
        json!([{"name": "B", "value": "2"}, {"name": "A", "value": "1"}])
    );
    // Unknown directive.
    let e = apply_patch(
        &schema_for_kind("StatefulSet"),
        &sts(),
        &json!({"spec": {"$patch": "bogus"}}),
        PatchType::Strategic,
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "unknown patch type: bogus in map: map[$patch:bogus]"
    );
}

#[test]
fn atomic_lists_are_replaced() {
    let out = smp(
        &sts(),
        json!({"spec": {"template": {"spec": {"tolerations": [{"key": "y", "operator": "Exists"}]}}},
        }),
    );
    assert_eq!(
        out["spec"]["template"]["spec"]["tolerations"],
        json!([{"key": "y", "operator": "Exists"}])
    );
    let out = smp(
        &sts(),
        json!({"spec": {"volumeClaimTemplates": [{"metadata": {"name": "data"}}]}}),
    );
    assert_eq!(
        out["spec"]["volumeClaimTemplates"],
        json!([{"metadata": {"name": "data"}}])
    );
}

#[test]
fn missing_merge_key_is_an_error() {
    let e = apply_patch(
        &schema_for_kind("Pod"),
        &json!({"spec": {"containers": [{"name": "a"}]}}),
        &json!({"spec": {"containers": [{"image": "x"}]}}),
        PatchType::Strategic,
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "map: map[image:x] does not contain declared merge key: name"
    );
}

#[test]
fn merge_patch_rfc7386() {
    let out = json_merge_patch(
        &json!({"a": "b", "c": {"d": "e", "f": "g"}, "l": [1, 2]}),
        &json!({"a": "z", "c": {"f": null}, "l": [3], "n": {"x": null, "y": 1}}),
    );
    assert_eq!(
        out,
        json!({"a": "z", "c": {"d": "e"}, "l": [3], "n": {"y": 1}})
    );
    assert_eq!(
        json_merge_patch(&json!({"a": 1}), &json!(["x"])),
        json!(["x"])
    );
}

#[test]
fn json_patch_rfc6902() {
    let doc = json!({"spec": {"template": {"spec": {"containers": [{"name": "nginx", "image": "a"}]}}}, "a/b": 1, "m~n": 2});
    let out = json_patch(
        &doc,
        &json!([
            {"op": "replace", "path": "/spec/template/spec/containers/0/image", "value": "b"},
            {"op": "add", "path": "/spec/template/spec/containers/-", "value": {"name": "side"}},
            {"op": "test", "path": "/a~1b", "value": 1},
            {"op": "remove", "path": "/m~0n"},
            {"op": "copy", "from": "/a~1b", "path": "/copied"},
            {"op": "move", "from": "/copied", "path": "/moved"}
        ]),
    )
    .unwrap();
    assert_eq!(
        out,
        json!({"spec": {"template": {"spec": {"containers": [{"name": "nginx", "image": "b"}, {"name": "side"}]}}}, "a/b": 1, "moved": 1})
    );
    let e = |ops: Value| json_patch(&doc, &ops).unwrap_err().to_string();
    assert_eq!(
        e(json!([{"op": "replace", "path": "/spec/nope", "value": 1}])),
        "replace operation does not apply: doc is missing key: /spec/nope: missing value"
    );
    assert_eq!(
        e(json!([{"op": "remove", "path": "/nope"}])),
        "remove operation does not apply: doc is missing path: \"/nope\": missing value"
    );
    assert_eq!(
        e(json!([{"op": "add", "path": "/x/y", "value": 1}])),
        "add operation does not apply: doc is missing path: \"/x/y\": missing value"
    );
    assert_eq!(
        e(json!([{"op": "test", "path": "/a~1b", "value": 2}])),
        "testing value /a~1b failed: test failed"
    );
    assert_eq!(
        e(json!([{"op": "bogus", "path": "/"}])),
        "Unexpected kind: bogus"
    );
    assert_eq!(
        e(json!([{"op": "add", "path": "/spec/template/spec/containers/5", "value": 1}])),
        "Unable to access invalid index: 5: invalid index referenced"
    );
}

mod fuzz {
    use super::*;
    use proptest::prelude::*;

    fn json_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            (-5i64..5).prop_map(|i| json!(i)),
            prop::sample::select(vec![
                "name", "a", "$patch", "delete", "replace", "merge", "/", "~1", "-", "0"
            ])
            .prop_map(|s| json!(s)),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
                prop::collection::vec(
                    (
                        prop::sample::select(vec![
                            "spec",
                            "template",
                            "containers",
                            "name",
                            "image",
                            "env",
                            "$patch",
                            "$retainKeys",
                            "$setElementOrder/env",
                            "$deleteFromPrimitiveList/finalizers",
                            "metadata",
                            "finalizers",
                            "op",
                            "path",
                            "value",
                            "from",
                        ]),
                        inner
                    ),
                    0..5
                )
                .prop_map(|kv| Value::Object(
                    kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
                )),
            ]
        })
    }

    fn check(orig: &Value, patch: &Value) {
        let s = schema_for_kind("StatefulSet");
        for t in [PatchType::Strategic, PatchType::Merge, PatchType::Json] {
            let _ = apply_patch(&s, orig, patch, t);
        }
        let _ = apply_patch(&schema_for_kind("Pod"), orig, patch, PatchType::Strategic);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        #[test]
        fn never_panics(orig in json_value(), patch in json_value()) { check(&orig, &patch); }
    }

    #[test]
    #[ignore = "heavy: run with --ignored, scaled by ORDINAL_HEAVY_SCALE"]
    fn never_panics_heavy() {
        let scale: u32 = std::env::var("ORDINAL_HEAVY_SCALE")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(1);
        let mut runner =
            proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(20_000 * scale));
        runner
            .run(&(json_value(), json_value()), |(o, p)| {
                check(&o, &p);
                Ok(())
            })
            .unwrap();
    }
}
