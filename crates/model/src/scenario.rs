//! The one versioned, serializable scenario format: profile, seed, input log, files and
//! presentation state. It serves local storage, share links and bug reports alike, and is
//! untrusted input whenever it is read back: [`Scenario::from_json`] validates and caps it.

use crate::cluster::{Cluster, INPUT_LOG_CAPACITY};
use crate::input::TimedInput;
use crate::profile::Profile;
use crate::time::Time;
use crate::vecmap::VecMap;
use serde::{Deserialize, Serialize};

pub const SCENARIO_VERSION: u32 = 1;
/// Largest serialized scenario accepted (share links and storage are capped well below this).
pub const SCENARIO_MAX_BYTES: usize = 4 * 1024 * 1024;
/// Most named files a scenario may carry, and the largest one.
pub const SCENARIO_MAX_FILES: usize = 64;
pub const SCENARIO_MAX_FILE_BYTES: usize = 256 * 1024;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Scenario {
    pub version: u32,
    /// Number of worker nodes (the rest of the profile is fixed).
    pub workers: u8,
    pub seed: u64,
    pub inputs: Vec<TimedInput>,
    /// Editor files by name (`web.yaml`, user files).
    #[serde(default)]
    pub files: VecMap<String, String>,
    /// Where the viewer was: virtual time (ms since the Unix epoch) — may be before the last input.
    #[serde(default)]
    pub at_ms: Option<u64>,
    /// Playback speed (1.0 = real time); presentation only.
    #[serde(default)]
    pub speed: Option<f64>,
    #[serde(default)]
    pub tour: Option<String>,
    #[serde(default)]
    pub step: Option<u32>,
}

impl Scenario {
    pub fn new(workers: u8, seed: u64) -> Scenario {
        Scenario {
            version: SCENARIO_VERSION,
            workers,
            seed,
            inputs: Vec::new(),
            files: VecMap::new(),
            at_ms: None,
            speed: None,
            tour: None,
            step: None,
        }
    }

    /// The scenario of a running cluster (its input log), positioned at its current time.
    pub fn of_cluster(c: &Cluster) -> Scenario {
        let workers = c.profile.workers().count().min(usize::from(u8::MAX)) as u8;
        let mut s = Scenario::new(workers, c.seed());
        s.inputs = c.inputs().to_vec();
        s.at_ms = Some(c.now().ms());
        s
    }

    pub fn profile(&self) -> Profile {
        Profile::with_workers(self.workers)
    }

    /// Rebuilds the cluster this scenario describes, at `at_ms` (or just after the last input).
    pub fn replay(&self) -> Cluster {
        let until = self.at_ms.map(Time);
        Cluster::replay(self.profile(), self.seed, &self.inputs, until)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Parses and validates untrusted scenario JSON. Errors say what is wrong in words a
    /// user can act on; nothing here panics or allocates beyond the size cap.
    pub fn from_json(text: &str) -> Result<Scenario, String> {
        if text.len() > SCENARIO_MAX_BYTES {
            return Err(format!(
                "scenario is too large ({} bytes; the limit is {SCENARIO_MAX_BYTES})",
                text.len()
            ));
        }
        let s: Scenario =
            serde_json::from_str(text).map_err(|e| format!("scenario is not valid: {e}"))?;
        if s.version != SCENARIO_VERSION {
            return Err(format!(
                "scenario version {} is not supported (this Ordinal reads version {SCENARIO_VERSION})",
                s.version
            ));
        }
        if s.workers == 0 || s.workers > 100 {
            return Err(format!(
                "scenario has {} worker nodes; 1 to 100 are supported",
                s.workers
            ));
        }
        if s.inputs.len() > INPUT_LOG_CAPACITY {
            return Err(format!(
                "scenario has {} inputs; the limit is {INPUT_LOG_CAPACITY}",
                s.inputs.len()
            ));
        }
        if s.inputs.windows(2).any(|w| w[1].at_ms < w[0].at_ms) {
            return Err("scenario inputs are not in time order".into());
        }
        if s.files.len() > SCENARIO_MAX_FILES {
            return Err(format!(
                "scenario has {} files; the limit is {SCENARIO_MAX_FILES}",
                s.files.len()
            ));
        }
        if let Some((name, _)) = s
            .files
            .iter()
            .find(|(_, body)| body.len() > SCENARIO_MAX_FILE_BYTES)
        {
            return Err(format!(
                "file {name:?} is larger than {SCENARIO_MAX_FILE_BYTES} bytes"
            ));
        }
        if s.speed
            .is_some_and(|v| !(v.is_finite() && v > 0.0 && v <= 64.0))
        {
            return Err("scenario speed must be between 0 and 64".into());
        }
        Ok(s)
    }
}
