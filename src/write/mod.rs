//! Output files: staged as hidden temporary files in the output folder and renamed into place
//! only when every one is complete, so a failed run leaves the previous plan untouched.

pub mod batches;
pub mod console;
pub mod csv;
pub mod ps1;
pub mod xlsx;

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// A set of output files written together.
pub struct Staging {
    dir: PathBuf,
    /// (temporary path, final path)
    staged: Vec<(PathBuf, PathBuf)>,
    inputs: Vec<PathBuf>,
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
        })
    }

    /// Writes one file (a path relative to the output folder) through `fill`.
    pub fn write(
        &mut self,
        name: &str,
        fill: impl FnOnce(&mut BufWriter<File>) -> std::io::Result<()>,
    ) -> Result<()> {
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
        // Registered before filling, so Drop removes it even when `fill` fails.
        self.staged.push((temp, target.clone()));
        let mut w = BufWriter::with_capacity(1 << 16, file);
        fill(&mut w).map_err(err)?;
        let file = w.into_inner().map_err(|e| err(e.into_error()))?;
        file.sync_all().map_err(err)
    }

    /// Renames every staged file into place and returns the final paths.
    pub fn commit(mut self) -> Result<Vec<PathBuf>> {
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
