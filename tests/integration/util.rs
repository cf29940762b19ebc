//! Test helpers: a scratch folder per test, running `plan` through the library, reading CSVs.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use xtenant::cli::PlanArgs;
use xtenant::config::Config;

/// A scratch folder under cargo's test temp dir, removed when the test passes.
pub struct Dir {
    pub path: PathBuf,
}

impl Dir {
    pub fn new(name: &str) -> Dir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
            "{name}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        Dir { path }
    }

    pub fn join(&self, p: &str) -> PathBuf {
        self.path.join(p)
    }

    pub fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let p = self.join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}

/// Plan arguments for a source and target file, output in `out`.
pub fn args(source: &Path, target: &Path, out: &Path) -> PlanArgs {
    PlanArgs {
        source_mailboxes: Some(source.to_path_buf()),
        target_recipients: Some(target.to_path_buf()),
        out: Some(out.to_path_buf()),
        accepted_domain: vec![
            "northwindtraders.com".into(),
            "northwindtraders.onmicrosoft.com".into(),
        ],
        quiet: true,
        ..PlanArgs::default()
    }
}

/// Plan arguments for a tenant folder with its xtenant.toml (as `xtenant sample` writes one).
pub fn tenant_args(tenant: &Path, out: &Path) -> PlanArgs {
    PlanArgs {
        config: Some(tenant.join("xtenant.toml")),
        out: Some(out.to_path_buf()),
        quiet: true,
        ..PlanArgs::default()
    }
}

/// The bundled samples.
pub fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/contoso-to-northwind")
}

pub fn plan(args: &PlanArgs) -> xtenant::PlanSummary {
    xtenant::plan(&Config::from_args(args).unwrap()).unwrap()
}

pub fn plan_err(args: &PlanArgs) -> String {
    match xtenant::plan(&Config::from_args(args).unwrap()) {
        Ok(_) => panic!("expected an error"),
        Err(e) => e.to_string(),
    }
}

/// A CSV xtenant wrote (UTF-8 with BOM), as header-keyed rows.
pub fn rows(path: &Path) -> Vec<std::collections::BTreeMap<String, String>> {
    let text = std::fs::read_to_string(path).unwrap();
    let text = text.strip_prefix('\u{feff}').expect("xtenant writes a BOM");
    csv_rows(text)
}

/// An export `xtenant sample` wrote in PowerShell 7's shape (UTF-8, no BOM), as header-keyed
/// rows.
pub fn export_rows(path: &Path) -> Vec<std::collections::BTreeMap<String, String>> {
    csv_rows(&std::fs::read_to_string(path).unwrap())
}

fn csv_rows(text: &str) -> Vec<std::collections::BTreeMap<String, String>> {
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let headers = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            headers
                .iter()
                .zip(rec.unwrap().iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

/// No staged temporary file is left in `dir` (a run, failed or not, cleans up after itself).
pub fn assert_no_temporary_files(dir: &Path) {
    let stray: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("xtenant-tmp"))
        .collect();
    assert!(stray.is_empty(), "{stray:?}");
}

/// The shared folder of real-world fixtures, when it is there.
pub fn real_world(name: &str) -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/fixtures/real-world")
        .join(name);
    if p.exists() {
        Some(p)
    } else {
        eprintln!("skipped: {} is absent", p.display());
        None
    }
}

/// The files a plan folder's manifest lists, and the manifest itself, sorted: what must be
/// there.
pub fn manifest_files(dir: &Path) -> Vec<String> {
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    let mut files: Vec<String> = m["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap().to_string())
        .collect();
    files.push("manifest.json".into());
    files.sort();
    files
}
