//! Output folders. A plan is written whole into a staging folder beside `--out` and swapped in
//! by renaming folders, so the folder holds the previous plan or the new one and never a mix;
//! what an interrupted run leaves is recovered by the next one. Samples are written file by file.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The file in a plan folder that says which exports its plan was made from and which files the
/// run wrote: a later run into the same folder checks the first and keeps what is not the second.
pub const MANIFEST: &str = "manifest.json";

/// What the generated scripts write into a plan folder (transcripts and results): xtenant's
/// own, kept from plan to plan.
pub const KEPT: &[&str] = &["logs"];

/// Beside a staging folder `X`, the file `X.json` says how far its run got. Never inside a
/// folder that becomes the plan: the plan folder holds nothing but the plan and what it keeps.
fn marker_path(staging: &Path) -> PathBuf {
    let mut name = staging.as_os_str().to_os_string();
    name.push(".json");
    PathBuf::from(name)
}

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

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
enum State {
    /// The plan's files are being written.
    Writing,
    /// Files of the folder that are not the old plan's (logs/, the user's) are being moved in.
    Carrying,
    /// Ready to be swapped in.
    Complete,
}

#[derive(Debug, Serialize, Deserialize)]
struct Marker {
    state: State,
    /// Paths relative to the plan folder, moved from it into the staging folder.
    carried: Vec<String>,
    /// The staging folder's identity (device, inode) where folders are exchanged in one step:
    /// the plan folder having it afterwards says the exchange happened.
    id: Option<(u64, u64)>,
}

/// The plan folder's place: its parent and its name, and the names of the folders a run puts
/// beside it.
#[derive(Debug, Clone)]
struct Place {
    out: PathBuf,
    parent: PathBuf,
    name: String,
}

impl Place {
    fn new(out: &Path) -> Result<Place> {
        let refuse = |why: &str| Err(Error::Output(format!("--out {}: {why}", out.display())));
        let absolute = std::path::absolute(out).map_err(|source| Error::Write {
            path: out.to_path_buf(),
            source,
        })?;
        // A link to a folder: the folder it names is the one replaced.
        let out = absolute.canonicalize().unwrap_or(absolute);
        if out.exists() && !out.is_dir() {
            return refuse("is a file; give a folder for the plan");
        }
        let (Some(parent), Some(name)) = (out.parent(), out.file_name()) else {
            return refuse("is the root of a drive; give a folder for the plan");
        };
        if let Ok(cwd) = std::env::current_dir().and_then(|d| d.canonicalize())
            && cwd.starts_with(&out)
        {
            return refuse(
                "is the current folder or holds it; xtenant replaces the folder whole, so run it from outside",
            );
        }
        Ok(Place {
            parent: parent.to_path_buf(),
            name: name.to_string_lossy().into_owned(),
            out,
        })
    }

    fn prefix(&self) -> String {
        format!(".{}.xtenant-", self.name)
    }

    fn sibling(&self, what: &str) -> PathBuf {
        self.parent
            .join(format!("{}{what}-{}", self.prefix(), std::process::id()))
    }

    fn lock_path(&self) -> PathBuf {
        self.parent.join(format!("{}lock", self.prefix()))
    }
}

/// An output folder claimed for one plan, before any work is done (a long run is not refused at
/// its end). Holds a lock beside the folder for the whole run: two runs never write one plan.
#[derive(Debug)]
pub struct Claim {
    place: Place,
    source_mailboxes: PathBuf,
    target_recipients: PathBuf,
    /// The files the folder's previous plan lists: everything else in the folder is kept.
    previous_files: Vec<String>,
    /// What this run did to finish or undo an interrupted one, for the summary.
    pub recovered: Vec<String>,
    lock: Option<File>,
}

impl Claim {
    /// Recovers what an interrupted run left, then refuses `dir` when it holds the plan of other
    /// exports, or files xtenant did not write, unless `force`. Creates nothing but the lock.
    pub fn new(dir: &Path, source: &Path, target: &Path, force: bool) -> Result<Claim> {
        let place = Place::new(dir)?;
        let lock = lock(&place)?;
        let recovered = recover(&place)?;
        let canonical = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
        let mut claim = Claim {
            source_mailboxes: canonical(source),
            target_recipients: canonical(target),
            previous_files: Vec::new(),
            recovered,
            lock,
            place,
        };
        let out = claim.place.out.clone();
        let refuse = |why: String| {
            Err(Error::Output(format!(
                "{}: {why}; choose another --out folder, or pass --force to write into this one",
                out.display()
            )))
        };
        if !holds_files(&out, &out) {
            return Ok(claim);
        }
        let manifest = std::fs::read(out.join(MANIFEST))
            .ok()
            .and_then(|b| serde_json::from_slice::<Manifest>(&b).ok());
        let Some(m) = manifest else {
            if force {
                return Ok(claim);
            }
            return refuse(format!(
                "the folder is not empty and holds no xtenant plan (no readable {MANIFEST})"
            ));
        };
        let same = m.source_mailboxes == claim.source_mailboxes
            && m.target_recipients == claim.target_recipients;
        if !same && !force {
            return refuse(format!(
                "the folder holds the plan made from other exports ({} and {})",
                m.source_mailboxes.display(),
                m.target_recipients.display()
            ));
        }
        claim.previous_files = m.files;
        Ok(claim)
    }

    /// The plan folder, as an absolute path.
    pub fn out(&self) -> &Path {
        &self.place.out
    }
}

impl Drop for Claim {
    fn drop(&mut self) {
        // Removed while still held: a run that opens the path from now on gets a new file.
        if let Some(lock) = self.lock.take() {
            let _ = std::fs::remove_file(self.place.lock_path());
            drop(lock);
        }
    }
}

/// The lock beside the plan folder; `None` while its parent does not exist (a refused run
/// creates no folder, and there is nothing to protect yet).
fn lock(place: &Place) -> Result<Option<File>> {
    let path = place.lock_path();
    let err = |source| Error::Write {
        path: path.clone(),
        source,
    };
    if !place.parent.is_dir() {
        return Ok(None);
    }
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(err)?;
    match file.try_lock() {
        Ok(()) => Ok(Some(file)),
        Err(std::fs::TryLockError::WouldBlock) => Err(Error::Output(format!(
            "{}: another xtenant run is writing this plan folder; wait for it to end",
            place.out.display()
        ))),
        Err(std::fs::TryLockError::Error(e)) => Err(err(e)),
    }
}

/// Whether `dir` holds a file that is not xtenant's temporary or staging file (folders that hold
/// nothing else, and the kept `logs/`, do not count).
fn holds_files(root: &Path, dir: &Path) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    entries.filter_map(|e| e.ok()).any(|e| {
        let name = e.file_name().to_string_lossy().into_owned();
        let path = e.path();
        if dir == root && KEPT.contains(&name.as_str()) {
            return false;
        }
        if path.is_dir() {
            holds_files(root, &path)
        } else {
            !is_leftover(&name)
        }
    })
}

/// Temporary files of earlier versions, which staged each file beside its target.
fn is_leftover(name: &str) -> bool {
    name.contains(".xtenant-tmp")
}

fn read_marker(staging: &Path) -> Option<Marker> {
    let bytes = std::fs::read(marker_path(staging)).ok()?;
    serde_json::from_slice(&bytes).ok()
}

fn write_marker(staging: &Path, marker: &Marker) -> std::io::Result<()> {
    let mut file = File::create(marker_path(staging))?;
    serde_json::to_writer(&mut file, marker)?;
    file.sync_all()
}

/// A folder's identity where the plan is swapped in one step (Linux), to tell afterwards
/// whether it was.
fn folder_id(path: &Path) -> Option<(u64, u64)> {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::MetadataExt;
        let m = std::fs::metadata(path).ok()?;
        Some((m.dev(), m.ino()))
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = path;
        None
    }
}

/// Finishes or undoes what an interrupted run left beside and in the plan folder, so that it
/// holds one whole plan and nothing of a run's staging. Returns what was done.
fn recover(place: &Place) -> Result<Vec<String>> {
    let out = &place.out;
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| Error::Write { path, source }
    };
    // Staging folders (and the markers beside them), and folders without a marker: previous
    // plans a swap moved aside.
    let mut marked: Vec<(PathBuf, Marker)> = Vec::new();
    let mut folders: Vec<PathBuf> = Vec::new();
    if let Ok(entries) = std::fs::read_dir(&place.parent) {
        let prefix = place.prefix();
        for e in entries.filter_map(|e| e.ok()) {
            let name = e.file_name().to_string_lossy().into_owned();
            if !name.starts_with(&prefix) {
                continue;
            }
            let path = e.path();
            if let Some(stem) = name.strip_suffix(".json") {
                let staging = place.parent.join(stem);
                match read_marker(&staging) {
                    Some(m) => marked.push((staging, m)),
                    None => {
                        let _ = std::fs::remove_file(&path);
                    }
                }
            } else if path.is_dir() {
                folders.push(path);
            }
        }
    }
    marked.sort_by(|a, b| a.0.cmp(&b.0));
    let mut notes = Vec::new();
    let mut settled: Vec<PathBuf> = Vec::new();
    for (staging, marker) in &marked {
        let complete = marker.state == State::Complete;
        let exchanged = complete && marker.id.is_some() && folder_id(out) == marker.id;
        if exchanged || (complete && !staging.exists()) {
            // Swapped in; the previous plan (at the staging name after an exchange, at the
            // `old` name otherwise) is removed below.
            notes.push("finished tidying after the swap of an interrupted run".into());
        } else if complete && !out.exists() {
            // Cut short between the two renames of a swap: finish it.
            std::fs::rename(staging, out).map_err(io(out))?;
            settled.push(staging.clone());
            notes.push("finished swapping in the plan an interrupted run had completed".into());
        } else {
            // Never swapped in: what it had carried goes back, the rest is dropped.
            for rel in &marker.carried {
                let (from, to) = (staging.join(rel), out.join(rel));
                if from.exists() && !to.exists() {
                    if let Some(p) = to.parent() {
                        std::fs::create_dir_all(p).map_err(io(p))?;
                    }
                    std::fs::rename(&from, &to).map_err(io(&to))?;
                }
            }
            if staging.exists() {
                std::fs::remove_dir_all(staging).map_err(io(staging))?;
            }
            settled.push(staging.clone());
            notes.push(format!(
                "removed the unfinished plan of an interrupted run ({})",
                staging.display()
            ));
        }
        std::fs::remove_file(marker_path(staging)).map_err(io(staging))?;
    }
    let mut displaced: Vec<PathBuf> = folders
        .into_iter()
        .filter(|f| !settled.contains(f) && f.exists())
        .collect();
    displaced.sort();
    if !out.exists()
        && let Some(previous) = displaced.pop()
    {
        std::fs::rename(&previous, out).map_err(io(out))?;
        notes.push("put back the previous plan an interrupted run had moved aside".into());
    }
    for path in displaced {
        std::fs::remove_dir_all(&path).map_err(io(&path))?;
        notes.push(format!(
            "removed the previous plan an interrupted run had replaced ({})",
            path.display()
        ));
    }
    let mut removed = 0;
    remove_leftovers(out, &mut removed);
    if removed > 0 {
        notes.push(format!(
            "removed {removed} temporary file(s) of an interrupted run"
        ));
    }
    Ok(notes)
}

fn remove_leftovers(dir: &Path, removed: &mut usize) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.filter_map(|e| e.ok()) {
        let path = e.path();
        if path.is_dir() {
            remove_leftovers(&path, removed);
        } else if is_leftover(&e.file_name().to_string_lossy())
            && std::fs::remove_file(&path).is_ok()
        {
            *removed += 1;
        }
    }
}

/// One file being written.
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

enum Mode {
    /// Each file staged as a hidden temporary beside its target and renamed into place at commit
    /// (`xtenant sample`).
    Files { staged: Vec<(PathBuf, PathBuf)> },
    /// A whole plan staged in a folder beside the plan folder, swapped in at commit.
    Plan {
        claim: Box<Claim>,
        staging: PathBuf,
        files: Vec<String>,
        /// Moved from the plan folder into staging (relative paths), to move back on failure.
        carried: Vec<String>,
        done: bool,
    },
}

/// A set of output files written together, replaced whole or not at all.
pub struct Staging {
    /// Where the files go in the end.
    dir: PathBuf,
    inputs: Vec<PathBuf>,
    mode: Mode,
}

impl Staging {
    /// Files written into `dir` (created when needed), each replaced whole. `inputs` are never
    /// overwritten, even when `dir` is the folder they live in.
    pub fn files<'a>(dir: &Path, inputs: impl Iterator<Item = &'a Path>) -> Result<Staging> {
        std::fs::create_dir_all(dir).map_err(|source| Error::Write {
            path: dir.to_path_buf(),
            source,
        })?;
        Ok(Staging {
            dir: dir.to_path_buf(),
            inputs: inputs.filter_map(|p| p.canonicalize().ok()).collect(),
            mode: Mode::Files { staged: Vec::new() },
        })
    }

    /// A plan, written into a staging folder beside the claimed folder and swapped in at commit.
    pub fn plan<'a>(claim: Claim, inputs: impl Iterator<Item = &'a Path>) -> Result<Staging> {
        let place = &claim.place;
        let staging = place.sibling("new");
        let io = |path: &Path, source| Error::Write {
            path: path.to_path_buf(),
            source,
        };
        std::fs::create_dir_all(&place.parent).map_err(|e| io(&place.parent, e))?;
        if staging.exists() {
            std::fs::remove_dir_all(&staging).map_err(|e| io(&staging, e))?;
        }
        std::fs::create_dir(&staging).map_err(|e| io(&staging, e))?;
        let marker = Marker {
            state: State::Writing,
            carried: Vec::new(),
            id: None,
        };
        write_marker(&staging, &marker).map_err(|e| io(&staging, e))?;
        Ok(Staging {
            dir: place.out.clone(),
            inputs: inputs.filter_map(|p| p.canonicalize().ok()).collect(),
            mode: Mode::Plan {
                claim: Box::new(claim),
                staging,
                files: Vec::new(),
                carried: Vec::new(),
                done: false,
            },
        })
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

    /// Stages one file to be written elsewhere (on another thread): its file exists and is
    /// registered, so a failure anywhere still removes it.
    pub fn slot(&mut self, name: &str) -> Result<Slot> {
        let target = self.dir.join(name);
        if let Ok(canonical) = target.canonicalize()
            && self.inputs.contains(&canonical)
        {
            return Err(Error::Output(format!(
                "refusing to write {}: it is one of the input files; choose another --out folder",
                target.display()
            )));
        }
        let path = match &mut self.mode {
            Mode::Files { staged } => {
                let file_name = target.file_name().and_then(|n| n.to_str()).unwrap_or("out");
                let temp = target
                    .with_file_name(format!(".{file_name}.xtenant-tmp{}", std::process::id()));
                // Registered before filling, so Drop removes it even when filling fails.
                staged.push((temp.clone(), target.clone()));
                temp
            }
            Mode::Plan { staging, files, .. } => {
                files.push(name.to_string());
                staging.join(name)
            }
        };
        let err = |source| Error::Write {
            path: target.clone(),
            source,
        };
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(err)?;
        }
        let file = File::create(&path).map_err(err)?;
        Ok(Slot {
            writer: BufWriter::with_capacity(1 << 16, file),
            target,
        })
    }

    /// Puts every file in place and returns their final paths. A plan gets its manifest, keeps
    /// what the folder holds that is not the previous plan's (logs/, the user's files), and is
    /// swapped in whole.
    pub fn commit(mut self) -> Result<Vec<PathBuf>> {
        if let Mode::Files { staged } = &mut self.mode {
            let mut written = Vec::with_capacity(staged.len());
            for (temp, target) in std::mem::take(staged) {
                std::fs::rename(&temp, &target).map_err(|source| Error::Write {
                    path: target.clone(),
                    source,
                })?;
                written.push(target);
            }
            return Ok(written);
        }
        let mut files = match &self.mode {
            Mode::Plan { files, .. } => files.clone(),
            Mode::Files { .. } => unreachable!(),
        };
        files.sort();
        let manifest = {
            let Mode::Plan { claim, .. } = &self.mode else {
                unreachable!()
            };
            Manifest {
                xtenant: env!("CARGO_PKG_VERSION").to_string(),
                source_mailboxes: claim.source_mailboxes.clone(),
                target_recipients: claim.target_recipients.clone(),
                files,
            }
        };
        self.write(MANIFEST, |w| {
            serde_json::to_writer_pretty(&mut *w, &manifest)?;
            w.write_all(b"\n")
        })?;
        let Mode::Plan {
            claim,
            staging,
            files,
            carried,
            done,
        } = &mut self.mode
        else {
            unreachable!()
        };
        let out = claim.place.out.clone();
        let staging = staging.clone();
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| Error::Write { path, source }
        };
        if out.exists() {
            refuse_files_in_use(&out)?;
            let keep = kept(&out, &claim.previous_files);
            if let Some(clash) = keep.iter().find(|k| files.iter().any(|f| f == *k)) {
                return Err(Error::Output(format!(
                    "{}: this file is not the previous plan's, and the new plan writes it; move it out of the folder and run again (nothing was replaced)",
                    out.join(clash).display()
                )));
            }
            // Recorded before anything moves, so that an interrupted run's recovery can put
            // them back.
            let marker = Marker {
                state: State::Carrying,
                carried: keep.clone(),
                id: None,
            };
            write_marker(&staging, &marker).map_err(io(&staging))?;
            for rel in &keep {
                let to = staging.join(rel);
                if let Some(p) = to.parent() {
                    std::fs::create_dir_all(p).map_err(io(p))?;
                }
                std::fs::rename(out.join(rel), &to).map_err(io(&out.join(rel)))?;
                carried.push(rel.clone());
            }
        }
        let marker = Marker {
            state: State::Complete,
            carried: carried.clone(),
            id: folder_id(&staging),
        };
        write_marker(&staging, &marker).map_err(io(&staging))?;
        let displaced = swap(&claim.place, &staging)?;
        *done = true;
        // Swapped: the rest is tidying, which the next run finishes if this one cannot. The
        // marker goes first: a previous plan beside the folder without one is removed.
        let _ = std::fs::remove_file(marker_path(&staging));
        sync_dir(&claim.place.parent);
        if let Some(old) = displaced {
            let _ = std::fs::remove_dir_all(old);
        }
        // In the order written: the manifest last.
        Ok(files.iter().map(|f| out.join(f)).collect())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        match &mut self.mode {
            Mode::Files { staged } => {
                for (temp, _) in staged.iter() {
                    let _ = std::fs::remove_file(temp);
                }
            }
            Mode::Plan {
                claim,
                staging,
                carried,
                done,
                ..
            } => {
                if *done {
                    return;
                }
                // Not swapped in: what was carried goes back, the staging folder goes.
                for rel in carried.iter() {
                    let _ = std::fs::rename(staging.join(rel), claim.place.out.join(rel));
                }
                let _ = std::fs::remove_dir_all(&*staging);
                let _ = std::fs::remove_file(marker_path(staging));
            }
        }
    }
}

/// What the plan folder holds that is not the previous plan's: `logs/`, and the user's files,
/// as paths relative to the folder (a folder the previous plan has no file in goes whole).
fn kept(out: &Path, previous: &[String]) -> Vec<String> {
    fn walk(out: &Path, rel: &str, previous: &[String], keep: &mut Vec<String>) {
        let Ok(entries) = std::fs::read_dir(out.join(rel)) else {
            return;
        };
        let mut entries: Vec<_> = entries.filter_map(|e| e.ok()).collect();
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            let name = e.file_name().to_string_lossy().into_owned();
            let path = if rel.is_empty() {
                name.clone()
            } else {
                format!("{rel}/{name}")
            };
            if rel.is_empty() && name == MANIFEST || is_leftover(&name) {
                continue;
            }
            if e.path().is_dir() {
                let prefix = format!("{path}/");
                let ours = !KEPT.contains(&path.as_str())
                    && previous.iter().any(|f| f.starts_with(&prefix));
                if ours {
                    walk(out, &path, previous, keep);
                } else if holds_files(&e.path(), &e.path()) || KEPT.contains(&path.as_str()) {
                    keep.push(path);
                }
            } else if !previous.contains(&path) {
                keep.push(path);
            }
        }
    }
    let mut keep = Vec::new();
    walk(out, "", previous, &mut keep);
    keep
}

/// Windows refuses to rename a folder while a program (Excel) holds a file in it: say which
/// one before anything moves. Elsewhere open files never stop a rename.
fn refuse_files_in_use(out: &Path) -> Result<()> {
    #[cfg(windows)]
    {
        use std::os::windows::fs::OpenOptionsExt;
        fn walk(dir: &Path) -> Option<PathBuf> {
            for e in std::fs::read_dir(dir).ok()?.filter_map(|e| e.ok()) {
                let path = e.path();
                if path.is_dir() {
                    if let Some(p) = walk(&path) {
                        return Some(p);
                    }
                    continue;
                }
                // DELETE access is granted only when every other handle shares delete, which
                // is what a rename of the folder needs.
                const DELETE: u32 = 0x0001_0000;
                const SHARE_ALL: u32 = 0x1 | 0x2 | 0x4;
                let open = std::fs::OpenOptions::new()
                    .access_mode(DELETE)
                    .share_mode(SHARE_ALL)
                    .open(&path);
                if open.is_err() {
                    return Some(path);
                }
            }
            None
        }
        if let Some(path) = walk(out) {
            return Err(Error::Output(format!(
                "{} is open in another program (Excel?): close it and run again; nothing was replaced",
                path.display()
            )));
        }
    }
    let _ = out;
    Ok(())
}

/// Puts `staging` in the place of the plan folder; returns where the previous plan went.
fn swap(place: &Place, staging: &Path) -> Result<Option<PathBuf>> {
    let out = &place.out;
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| Error::Write { path, source }
    };
    if !out.exists() {
        std::fs::rename(staging, out).map_err(io(out))?;
        return Ok(None);
    }
    #[cfg(target_os = "linux")]
    if exchange(staging, out).is_ok() {
        // One step: the folder was the old plan, and now is the new one. The staging name
        // holds the old plan.
        return Ok(Some(staging.to_path_buf()));
    }
    // Two steps: between them the folder is missing; the next run finishes the swap.
    let old = place.sibling("old");
    std::fs::rename(out, &old).map_err(|e| {
        Error::Output(format!(
            "cannot replace {}: {e}. A program may hold it or a file in it (Excel, Explorer, a PowerShell window whose current folder it is); nothing was replaced",
            out.display()
        ))
    })?;
    if let Err(e) = std::fs::rename(staging, out) {
        let _ = std::fs::rename(&old, out);
        return Err(io(out)(e));
    }
    Ok(Some(old))
}

/// Exchanges two folders atomically (renameat2 RENAME_EXCHANGE); fails where the file system
/// cannot, and the caller swaps in two steps.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let c = |p: &Path| {
        CString::new(p.as_os_str().as_bytes())
            .map_err(|_| std::io::Error::from(std::io::ErrorKind::InvalidInput))
    };
    let (a, b) = (c(a)?, c(b)?);
    // SAFETY: both are valid NUL-terminated paths; the call reads them and touches no memory of
    // ours.
    let r = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if r == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

/// Makes the renames in `dir` durable (Unix; a no-op elsewhere).
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    let _ = dir;
}
