//! Output files: staged as hidden temporary files in the output folder and renamed into place
//! only when every one is complete, so a failed run leaves the previous plan untouched.

pub mod batches;
pub mod console;
pub mod csv;
pub mod json;
pub mod ps1;
pub mod sheet_xml;
pub mod xlsx;

use std::fs::File;
use std::io::BufWriter;

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The file in an output folder that says which exports its plan was made from and which files
/// the run wrote: a later run into the same folder checks the first and tidies by the second.
pub const MANIFEST: &str = "manifest.json";

#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
struct Manifest {
    xtenant: String,
    /// Canonical paths of the two exports that identify the migration.
    source_mailboxes: PathBuf,
    target_recipients: PathBuf,
    /// Every file the run wrote, relative to the folder, `/`-separated.
    files: Vec<String>,
}

/// An output folder claimed for one plan, before any work is done (so a long run is not refused
/// at its end).
#[derive(Debug)]
pub struct Claim {
    source_mailboxes: PathBuf,
    target_recipients: PathBuf,
    /// Files the folder's previous run of this plan wrote; those this run does not write again
    /// are removed at commit, so no batch file of a wave that no longer exists is left behind.
    previous_files: Vec<String>,
}

impl Claim {
    /// Refuses `dir` when it holds the plan of other exports, or files xtenant did not write,
    /// unless `force`.
    pub fn new(dir: &Path, source: &Path, target: &Path, force: bool) -> Result<Claim> {
        let canonical = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
        let claim = |previous_files| Claim {
            source_mailboxes: canonical(source),
            target_recipients: canonical(target),
            previous_files,
        };
        let refuse = |why: String| {
            Err(Error::Output(format!(
                "{}: {why}; choose another --out folder, or pass --force to write into this one",
                dir.display()
            )))
        };
        let entries: Vec<String> = match std::fs::read_dir(dir) {
            Ok(entries) => entries
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| !n.contains(".xtenant-tmp"))
                .collect(),
            Err(_) => return Ok(claim(Vec::new())),
        };
        if entries.is_empty() {
            return Ok(claim(Vec::new()));
        }
        let manifest = std::fs::read(dir.join(MANIFEST))
            .ok()
            .and_then(|b| serde_json::from_slice::<Manifest>(&b).ok());
        let Some(m) = manifest else {
            if force {
                return Ok(claim(Vec::new()));
            }
            return refuse(format!(
                "the folder is not empty and holds no xtenant plan (no readable {MANIFEST})"
            ));
        };
        let this = claim(Vec::new());
        let same = m.source_mailboxes == this.source_mailboxes
            && m.target_recipients == this.target_recipients;
        if !same && !force {
            return refuse(format!(
                "the folder holds the plan made from other exports ({} and {})",
                m.source_mailboxes.display(),
                m.target_recipients.display()
            ));
        }
        Ok(claim(m.files))
    }
}

/// One staged file being written.
pub struct Slot {
    pub writer: BufWriter<File>,
    target: PathBuf,
}

impl Slot {
    /// Ends the file: `filled` is how writing it went; on success it is flushed to disk.
    pub fn finish(self, filled: std::io::Result<()>) -> Result<()> {
        let err = |source| Error::Write {
            path: self.target.clone(),
            source,
        };
        filled.map_err(err)?;
        let file = self.writer.into_inner().map_err(|e| err(e.into_error()))?;
        file.sync_all().map_err(err)
    }
}

/// A set of output files written together.
pub struct Staging {
    dir: PathBuf,
    /// (temporary path, final path)
    staged: Vec<(PathBuf, PathBuf)>,
    inputs: Vec<PathBuf>,
    claim: Option<Claim>,
}

impl Staging {
    /// Prepares `dir` (created if needed). `inputs` are never overwritten, even when `dir` is
    /// the folder they live in.
    pub fn new<'a>(dir: &Path, inputs: impl Iterator<Item = &'a Path>) -> Result<Staging> {
        std::fs::create_dir_all(dir).map_err(|source| Error::Write {
            path: dir.to_path_buf(),
            source,
        })?;
        let inputs = inputs.filter_map(|p| p.canonicalize().ok()).collect();
        Ok(Staging {
            dir: dir.to_path_buf(),
            staged: Vec::new(),
            inputs,
            claim: None,
        })
    }

    /// A plan's files: commit also writes the manifest and removes the previous run's leftovers.
    pub fn for_plan(mut self, claim: Claim) -> Staging {
        self.claim = Some(claim);
        self
    }

    /// Writes one file (a path relative to the output folder) through `fill`.
    pub fn write(
        &mut self,
        name: &str,
        fill: impl FnOnce(&mut BufWriter<File>) -> std::io::Result<()>,
    ) -> Result<()> {
        let mut slot = self.slot(name)?;
        let filled = fill(&mut slot.writer);
        slot.finish(filled)
    }

    /// Stages one file to be written elsewhere (on another thread): its temporary file exists
    /// and is registered, so a failure anywhere still removes it.
    pub fn slot(&mut self, name: &str) -> Result<Slot> {
        let target = self.dir.join(name);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|source| Error::Write {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        if let Ok(canonical) = target.canonicalize()
            && self.inputs.contains(&canonical)
        {
            return Err(Error::Output(format!(
                "refusing to write {}: it is one of the input files; choose another --out folder",
                target.display()
            )));
        }
        let file_name = target.file_name().and_then(|n| n.to_str()).unwrap_or("out");
        let temp = target.with_file_name(format!(".{file_name}.xtenant-tmp{}", std::process::id()));
        let err = |source| Error::Write {
            path: target.clone(),
            source,
        };
        let file = File::create(&temp).map_err(err)?;
        // Registered before filling, so Drop removes it even when filling fails.
        self.staged.push((temp, target.clone()));
        Ok(Slot {
            writer: BufWriter::with_capacity(1 << 16, file),
            target,
        })
    }

    /// Renames every staged file into place and returns the final paths. For a plan, the
    /// manifest comes last, so a folder with a manifest holds a complete plan.
    pub fn commit(mut self) -> Result<Vec<PathBuf>> {
        if let Some(claim) = self.claim.take() {
            let mut files: Vec<String> = self
                .staged
                .iter()
                .filter_map(|(_, t)| t.strip_prefix(&self.dir).ok())
                .map(|p| p.to_string_lossy().replace('\\', "/"))
                .collect();
            files.sort();
            let manifest = Manifest {
                xtenant: env!("CARGO_PKG_VERSION").to_string(),
                source_mailboxes: claim.source_mailboxes,
                target_recipients: claim.target_recipients,
                files,
            };
            self.write(MANIFEST, |w| {
                serde_json::to_writer_pretty(&mut *w, &manifest)?;
                std::io::Write::write_all(w, b"\n")
            })?;
            let written = self.commit_files()?;
            self.remove_leftovers(&claim.previous_files, &manifest.files);
            return Ok(written);
        }
        self.commit_files()
    }

    /// Removes what the previous run of this plan wrote and this one did not (a wave that no
    /// longer exists, replan.csv without --previous-plan), and the folders that leaves empty.
    /// Only files the previous manifest lists are touched.
    fn remove_leftovers(&self, previous: &[String], now: &[String]) {
        let now: std::collections::HashSet<&str> = now.iter().map(String::as_str).collect();
        for old in previous.iter().filter(|f| !now.contains(f.as_str())) {
            let rel = Path::new(old);
            // A manifest edited to point outside the folder is ignored.
            if rel.is_absolute()
                || rel
                    .components()
                    .any(|c| c == std::path::Component::ParentDir)
            {
                continue;
            }
            let path = self.dir.join(rel);
            if std::fs::remove_file(&path).is_ok() {
                let mut dir = path.parent();
                while let Some(d) = dir.filter(|d| *d != self.dir && d.starts_with(&self.dir)) {
                    if std::fs::remove_dir(d).is_err() {
                        break;
                    }
                    dir = d.parent();
                }
            }
        }
    }

    fn commit_files(&mut self) -> Result<Vec<PathBuf>> {
        let staged = std::mem::take(&mut self.staged);
        let mut written = Vec::with_capacity(staged.len());
        for (temp, target) in staged {
            std::fs::rename(&temp, &target).map_err(|source| Error::Write {
                path: target.clone(),
                source,
            })?;
            written.push(target);
        }
        Ok(written)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        for (temp, _) in &self.staged {
            let _ = std::fs::remove_file(temp);
        }
    }
}
