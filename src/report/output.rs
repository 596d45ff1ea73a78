//! Atomic run folders: files are written into a hidden temporary folder
//! beside `--out`, then swapped into place, so a crashed or killed run
//! never leaves a half-written report under the real name.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use polars::prelude::*;

/// One file of the run folder, produced by a writer closure.
pub type FileWriter<'a> = Box<dyn FnOnce(&Path) -> Result<()> + 'a>;

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
    let tmp = parent.join(format!(".{name}.partial-{}", std::process::id()));
    if tmp.exists() {
        fs::remove_dir_all(&tmp)?;
    }
    create_private_dir(&tmp)?;
    let result = (|| {
        for writer in writers {
            writer(&tmp)?;
        }
        swap_into_place(&tmp, out)
    })();
    if result.is_err() {
        let _ = fs::remove_dir_all(&tmp);
    }
    result
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
    options
        .open(path)
        .with_context(|| format!("{}: cannot create file", path.display()))
}

/// Replaces `out` with the finished `tmp`. An existing report is moved
/// aside first and deleted only once the new one has its name.
fn swap_into_place(tmp: &Path, out: &Path) -> Result<()> {
    if out.exists() {
        let old = out.with_file_name(format!(
            ".{}.old-{}",
            out.file_name().unwrap_or_default().to_string_lossy(),
            std::process::id()
        ));
        fs::rename(out, &old)
            .with_context(|| format!("{}: cannot move the previous report aside", out.display()))?;
        fs::rename(tmp, out)
            .with_context(|| format!("{}: cannot move the new report into place", out.display()))?;
        let _ = fs::remove_dir_all(&old);
    } else {
        fs::rename(tmp, out)
            .with_context(|| format!("{}: cannot move the new report into place", out.display()))?;
    }
    Ok(())
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

/// The default run folder: `reports/<period>` or `reports/<today>`.
pub fn default_out(period_label: Option<String>) -> PathBuf {
    let name = period_label.unwrap_or_else(|| chrono::Local::now().format("%Y-%m-%d").to_string());
    PathBuf::from("reports").join(name)
}
