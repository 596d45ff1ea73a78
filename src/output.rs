//! Atomic run folders: files are written into a hidden temporary folder
//! beside `--out`, flushed to disk, then swapped into place, so a crashed or
//! killed run never leaves a half-written report under the real name.
//!
//! Replacing an existing report: on Linux the two folders are exchanged in
//! one step with `renameat2(RENAME_EXCHANGE)`, so at every instant `--out`
//! names either the complete old report or the complete new one. Where that
//! call is missing (another OS, an old kernel, a file system without it) the
//! fallback is two renames: the old report is moved aside to
//! `.<name>.old-<pid>`, then the new one takes the name. A run killed between
//! the two leaves no folder under the name but the old report intact beside
//! it; the next run with the same `--out` puts it back before it starts.
//! Leftovers of killed runs (`.<name>.partial-<pid>`, `.<name>.old-<pid>`
//! whose process is gone) are removed by the next run.
//!
//! An existing `--out` is replaced only when it is a claims-audit run folder
//! (it holds a `summary.json` written by this tool), an `export` folder (its
//! tables) or empty: a mistyped `--out $HOME` is refused, not deleted.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use polars::prelude::*;

use crate::input_error;

/// One file of the run folder, produced by a writer closure.
pub type FileWriter<'a> = Box<dyn FnOnce(&Path) -> Result<()> + Send + 'a>;

/// Test hook: milliseconds to sleep after every file is written and before
/// the swap, announced on stderr, so a test can kill the run right there.
const TEST_PAUSE_ENV: &str = "CLAIMS_AUDIT_TEST_PAUSE_BEFORE_RENAME";

/// Removes a folder when dropped (the temporary folder on any failure or
/// panic; after an exchange, the old report that it then holds).
struct RemoveOnDrop(PathBuf);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        if self.0.exists() {
            let _ = fs::remove_dir_all(&self.0);
        }
    }
}

/// Writes every file into a temporary folder and moves it to `out`.
pub fn write_run_folder(out: &Path, writers: Vec<FileWriter>) -> Result<()> {
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(parent)
        .with_context(|| format!("{}: cannot create output folder", parent.display()))?;
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "run".into());
    recover_leftovers(parent, &name, out);
    check_replaceable(out)?;
    let tmp = parent.join(format!(".{name}.partial-{}", std::process::id()));
    if tmp.exists() {
        fs::remove_dir_all(&tmp)?;
    }
    create_private_dir(&tmp)?;
    let guard = RemoveOnDrop(tmp.clone());
    // The files are independent: written side by side; the first failure
    // in writer order is the one reported.
    {
        use rayon::prelude::*;
        let results: Vec<Result<()>> = writers.into_par_iter().map(|w| w(&tmp)).collect();
        results.into_iter().collect::<Result<()>>()?;
    }
    sync_tree(&tmp)?;
    if let Some(ms) = std::env::var(TEST_PAUSE_ENV)
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        eprintln!("claims-audit: test pause before rename ({ms} ms)");
        std::thread::sleep(std::time::Duration::from_millis(ms));
    }
    swap_into_place(&tmp, out)?;
    sync_dir(parent);
    drop(guard);
    Ok(())
}

/// `--out` may be replaced only when it is absent, an empty folder, or a run folder.
fn check_replaceable(out: &Path) -> Result<()> {
    let Ok(meta) = fs::symlink_metadata(out) else {
        return Ok(());
    };
    if !meta.is_dir() {
        input_error!(
            "--out {}: exists and is not a folder; refusing to replace it",
            out.display()
        );
    }
    let summary = out.join("summary.json");
    // A run folder has our summary.json; an `export` folder its tables.
    let report = fs::read_to_string(&summary).is_ok_and(|t| t.contains("\"claims-audit\""));
    let export = ["findings.parquet", "note_facts.parquet", "claim_dx.parquet"]
        .iter()
        .all(|f| out.join(f).is_file());
    let empty = fs::read_dir(out).is_ok_and(|mut d| d.next().is_none());
    if !report && !export && !empty {
        input_error!(
            "--out {}: folder exists and is not a claims-audit report or export; refusing to replace it",
            out.display()
        );
    }
    Ok(())
}

/// Whether process `pid` still runs (unknown counts as running).
fn alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    #[cfg(unix)]
    {
        // Signal 0 only checks; ESRCH means no such process.
        let r = unsafe { libc::kill(pid as libc::pid_t, 0) };
        r == 0 || std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
    }
    #[cfg(not(unix))]
    {
        true
    }
}

/// Cleans up after runs of the same `--out` that were killed: their
/// temporary folders are removed, and an old report moved aside by the
/// two-rename fallback gets its name back when nothing holds it.
fn recover_leftovers(parent: &Path, name: &str, out: &Path) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    let partial = format!(".{name}.partial-");
    let old = format!(".{name}.old-");
    let mut olds = Vec::new();
    for entry in entries.flatten() {
        let file = entry.file_name().to_string_lossy().to_string();
        let (is_old, pid) = if let Some(pid) = file.strip_prefix(&partial) {
            (false, pid.parse::<u32>().ok())
        } else if let Some(pid) = file.strip_prefix(&old) {
            (true, pid.parse::<u32>().ok())
        } else {
            continue;
        };
        let Some(pid) = pid else { continue };
        if alive(pid) {
            continue;
        }
        if is_old {
            olds.push(entry.path());
        } else {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
    olds.sort();
    for o in olds {
        if !out.exists() {
            let _ = fs::rename(&o, out);
        } else {
            let _ = fs::remove_dir_all(&o);
        }
    }
}

/// Flushes every file of the folder and the folder itself to disk, so that a
/// power cut after the rename cannot leave a report of empty files.
fn sync_tree(dir: &Path) -> Result<()> {
    for entry in fs::read_dir(dir)?.flatten() {
        let p = entry.path();
        if p.is_dir() {
            sync_tree(&p)?;
        } else {
            fs::File::open(&p)
                .and_then(|f| f.sync_all())
                .with_context(|| format!("{}: cannot flush to disk", p.display()))?;
        }
    }
    sync_dir(dir);
    Ok(())
}

/// Flushes a folder's entries (best effort: not every platform can).
fn sync_dir(dir: &Path) {
    if let Ok(f) = fs::File::open(dir) {
        let _ = f.sync_all();
    }
}

/// Output folders hold PHI: owner-only permissions.
pub fn create_private_dir(dir: &Path) -> Result<()> {
    fs::create_dir_all(dir).with_context(|| format!("{}: cannot create folder", dir.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

/// Creates a file readable by the owner only.
pub fn create_private_file(path: &Path) -> Result<fs::File> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let file = options
        .open(path)
        .with_context(|| format!("{}: cannot create file", path.display()))?;
    // An existing file keeps its mode through open(): set it.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(fs::Permissions::from_mode(0o600))
            .with_context(|| format!("{}: cannot restrict permissions", path.display()))?;
    }
    Ok(file)
}

/// Replaces `out` with the finished `tmp`. With an existing report, the two
/// are exchanged atomically where the OS can (`tmp` then holds the old one,
/// which the caller deletes); else the old one is moved aside first and
/// deleted only once the new one has its name.
fn swap_into_place(tmp: &Path, out: &Path) -> Result<()> {
    if !out.exists() {
        return fs::rename(tmp, out)
            .with_context(|| format!("{}: cannot move the new report into place", out.display()));
    }
    if exchange(tmp, out).is_ok() {
        return Ok(());
    }
    let old = out.with_file_name(format!(
        ".{}.old-{}",
        out.file_name().unwrap_or_default().to_string_lossy(),
        std::process::id()
    ));
    fs::rename(out, &old)
        .with_context(|| format!("{}: cannot move the previous report aside", out.display()))?;
    if let Err(e) = fs::rename(tmp, out) {
        let _ = fs::rename(&old, out);
        return Err(e)
            .with_context(|| format!("{}: cannot move the new report into place", out.display()));
    }
    let _ = fs::remove_dir_all(&old);
    Ok(())
}

/// Atomically exchanges two paths (Linux `renameat2(RENAME_EXCHANGE)`).
#[cfg(target_os = "linux")]
pub fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    if std::env::var_os("CLAIMS_AUDIT_TEST_NO_EXCHANGE").is_some() {
        return Err(std::io::Error::from_raw_os_error(libc::ENOSYS));
    }
    let a = CString::new(a.as_os_str().as_bytes())?;
    let b = CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: both are valid NUL-terminated paths; AT_FDCWD resolves them like rename(2).
    let r = unsafe {
        libc::syscall(
            libc::SYS_renameat2,
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

/// Elsewhere there is no atomic exchange: the caller falls back to two renames.
#[cfg(not(target_os = "linux"))]
pub fn exchange(_a: &Path, _b: &Path) -> std::io::Result<()> {
    Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
}

/// CSV with a header, dates ISO, floats with 2 decimals.
pub fn write_csv(df: &DataFrame, path: &Path) -> Result<()> {
    let mut f = create_private_file(path)?;
    let mut df = df.clone();
    CsvWriter::new(&mut f)
        .include_header(true)
        .with_float_precision(Some(2))
        .finish(&mut df)
        .map_err(|e| anyhow::anyhow!("{}: cannot write ({e})", path.display()))
}

pub fn write_parquet(df: &DataFrame, path: &Path) -> Result<()> {
    let f = create_private_file(path)?;
    let mut df = df.clone();
    ParquetWriter::new(f)
        .finish(&mut df)
        .map_err(|e| anyhow::anyhow!("{}: cannot write ({e})", path.display()))?;
    Ok(())
}

pub fn write_text(text: &str, path: &Path) -> Result<()> {
    use std::io::Write;
    let mut f = create_private_file(path)?;
    f.write_all(text.as_bytes())
        .with_context(|| format!("{}: cannot write", path.display()))
}

/// Copies a folder (files and subfolders) to `to`, readable by the owner
/// only like every file of the run folder.
pub fn copy_folder(from: &Path, to: &Path) -> Result<()> {
    create_private_dir(to)?;
    let entries = fs::read_dir(from).with_context(|| format!("{}: cannot read", from.display()))?;
    for entry in entries {
        let entry = entry.with_context(|| format!("{}: cannot read", from.display()))?;
        let (path, target) = (entry.path(), to.join(entry.file_name()));
        if path.is_dir() {
            copy_folder(&path, &target)?;
        } else {
            let mut source = fs::File::open(&path)
                .with_context(|| format!("{}: cannot read", path.display()))?;
            std::io::copy(&mut source, &mut create_private_file(&target)?)
                .with_context(|| format!("{}: cannot write", target.display()))?;
        }
    }
    Ok(())
}

/// The default run folder: `reports/<period>` or `reports/<today>`.
pub fn default_out(period_label: Option<String>) -> PathBuf {
    let name = period_label.unwrap_or_else(|| chrono::Local::now().format("%Y-%m-%d").to_string());
    PathBuf::from("reports").join(name)
}
