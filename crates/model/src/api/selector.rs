//! Label selector strings (`-l app=nginx,tier in (web,db),!canary`), parsed as
//! apimachinery's `labels.Parse` does, and matched against labels.

use crate::objects::{LabelSelector, LabelSelectorRequirement, Labels};

/// A parsed selector: all requirements must hold. Empty matches everything.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Selector {
    pub requirements: Vec<LabelSelectorRequirement>,
}

impl Selector {
    pub fn everything() -> Selector {
        Selector::default()
    }

    pub fn from_label_selector(s: &LabelSelector) -> Selector {
        let mut requirements: Vec<LabelSelectorRequirement> = s
            .match_labels
            .iter()
            .map(|(k, v)| LabelSelectorRequirement {
                key: k.clone(),
                operator: "In".into(),
                values: vec![v.clone()],
            })
            .collect();
        requirements.extend(s.match_expressions.iter().cloned());
        Selector { requirements }
    }

    pub fn matches(&self, labels: &Labels) -> bool {
        let ls = LabelSelector {
            match_labels: Default::default(),
            match_expressions: self.requirements.clone(),
        };
        ls.matches(labels)
    }

    /// Parses a selector string. Errors use apimachinery's wording where it is known.
    pub fn parse(input: &str) -> Result<Selector, String> {
        let mut requirements = Vec::new();
        let chars: Vec<char> = input.chars().collect();
        let mut i = 0;
        let skip_ws = |i: &mut usize| {
            while *i < chars.len() && chars[*i].is_whitespace() {
                *i += 1;
            }
        };
        loop {
            skip_ws(&mut i);
            if i >= chars.len() {
                break;
            }
            let negated = chars[i] == '!';
            if negated {
                i += 1;
                skip_ws(&mut i);
            }
            let start = i;
            while i < chars.len()
                && !matches!(chars[i], '=' | '!' | ',' | '(' | ')')
                && !chars[i].is_whitespace()
            {
                i += 1;
            }
            let key: String = chars[start..i].iter().collect();
            if key.is_empty() {
                return Err(format!(
                    "unable to parse requirement: found '{}', expected: identifier",
                    chars.get(i).map_or(String::new(), |c| c.to_string())
                ));
            }
            validate_key(&key)?;
            skip_ws(&mut i);
            if negated {
                requirements.push(req(&key, "DoesNotExist", vec![]));
            } else if i >= chars.len() || chars[i] == ',' {
                requirements.push(req(&key, "Exists", vec![]));
            } else if chars[i] == '=' || chars[i] == '!' {
                let op = if chars[i] == '!' {
                    if chars.get(i + 1) != Some(&'=') {
                        return Err("unable to parse requirement: found '!', expected: '=', '!=', '==', 'in', notin'".into());
                    }
                    i += 2;
                    "NotIn"
                } else {
                    i += 1;
                    if chars.get(i) == Some(&'=') {
                        i += 1;
                    }
                    "In"
                };
                skip_ws(&mut i);
                let vs = i;
                while i < chars.len() && chars[i] != ',' && !chars[i].is_whitespace() {
                    i += 1;
                }
                let value: String = chars[vs..i].iter().collect();
                validate_value(&value)?;
                requirements.push(req(&key, op, vec![value]));
            } else {
                // `in (…)` / `notin (…)`: the key we read is followed by the operator word.
                let ws = i;
                while i < chars.len() && chars[i].is_alphabetic() {
                    i += 1;
                }
                let word: String = chars[ws..i].iter().collect();
                let op = match word.as_str() {
                    "in" => "In",
                    "notin" => "NotIn",
                    other => {
                        return Err(format!(
                            "unable to parse requirement: found '{other}', expected: '=', '!=', '==', 'in', notin'"
                        ))
                    }
                };
                skip_ws(&mut i);
                if chars.get(i) != Some(&'(') {
                    return Err("unable to parse requirement: found '', expected: '('".into());
                }
                i += 1;
                let vs = i;
                while i < chars.len() && chars[i] != ')' {
                    i += 1;
                }
                if i >= chars.len() {
                    return Err(
                        "unable to parse requirement: found '', expected: ',', ')' or identifier"
                            .into(),
                    );
                }
                let values: Vec<String> = chars[vs..i]
                    .iter()
                    .collect::<String>()
                    .split(',')
                    .map(|v| v.trim().to_string())
                    .filter(|v| !v.is_empty())
                    .collect();
                for v in &values {
                    validate_value(v)?;
                }
                i += 1;
                requirements.push(req(&key, op, values));
            }
            skip_ws(&mut i);
            if i < chars.len() {
                if chars[i] != ',' {
                    return Err(format!(
                        "found '{}', expected: ',' or 'end of string'",
                        chars[i]
                    ));
                }
                i += 1;
            }
        }
        Ok(Selector { requirements })
    }
}

fn req(key: &str, op: &str, values: Vec<String>) -> LabelSelectorRequirement {
    LabelSelectorRequirement {
        key: key.into(),
        operator: op.into(),
        values,
    }
}

fn validate_key(key: &str) -> Result<(), String> {
    let name = key.rsplit('/').next().unwrap_or(key);
    if name.is_empty() || name.len() > 63 || !is_qualified_name_part(name) {
        return Err(format!(
            "unable to parse requirement: values[0][{key}]: Invalid value: {key:?}: name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
        ));
    }
    Ok(())
}

fn validate_value(value: &str) -> Result<(), String> {
    if value.is_empty() {
        return Ok(());
    }
    if value.len() > 63 || !is_qualified_name_part(value) {
        return Err(format!(
            "unable to parse requirement: values[0][{value}]: Invalid value: {value:?}: a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
        ));
    }
    Ok(())
}

fn is_qualified_name_part(s: &str) -> bool {
    let b = s.as_bytes();
    b.first().is_some_and(u8::is_ascii_alphanumeric)
        && b.last().is_some_and(u8::is_ascii_alphanumeric)
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> Labels {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn equality_and_set_based_selectors_match_as_kubectl_does() {
        let web = labels(&[("app", "nginx"), ("tier", "web")]);
        let cases = [
            ("app=nginx", true),
            ("app==nginx", true),
            ("app!=nginx", false),
            ("app=nginx,tier=db", false),
            ("tier in (web, db)", true),
            ("tier notin (web)", false),
            ("app", true),
            ("!canary", true),
            ("!app", false),
            ("", true),
            ("app.kubernetes.io/name=nginx", false),
        ];
        for (sel, want) in cases {
            assert_eq!(Selector::parse(sel).unwrap().matches(&web), want, "{sel}");
        }
        assert!(Selector::parse("app=")
            .unwrap()
            .matches(&labels(&[("app", "")])));
        assert!(Selector::parse("a b").is_err());
        assert!(Selector::parse("tier in (web").is_err());
    }
}
