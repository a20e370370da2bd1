//! The outputs a command line names (`--out FILE`, `--out DIR`, `--cell-out DIR`), opened before
//! any work: a run of hours must not end in "cannot write".

use crate::input::error::InputError;
use std::fs::{File, OpenOptions};
use std::io::{Seek, Write};
use std::path::{Path, PathBuf};

/// A file opened for writing before the work, filled by [`OutputFile::write`] after it. Opening
/// does not truncate, so a run that fails keeps the old content; a file it created and never
/// wrote is removed again.
#[derive(Debug)]
pub struct OutputFile {
    path: PathBuf,
    file: Option<File>,
    created: bool,
}

impl OutputFile {
    /// Opens (or creates) `path` for writing; `flag` names the option in the error.
    pub fn open(flag: &str, path: &Path) -> Result<OutputFile, InputError> {
        let existed = path.exists();
        let file = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .map_err(|e| {
                InputError::bounded(format!("cannot write {flag} {}: {e}", path.display()))
            })?;
        Ok(OutputFile {
            path: path.to_path_buf(),
            file: Some(file),
            created: !existed,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Replaces the file's content with `text`.
    pub fn write(mut self, text: &str) -> Result<(), InputError> {
        let fail = |e: std::io::Error| {
            InputError::bounded(format!("cannot write {}: {e}", self.path.display()))
        };
        let mut file = self
            .file
            .take()
            .ok_or_else(|| fail(std::io::ErrorKind::Other.into()))?;
        file.set_len(0).map_err(fail)?;
        file.rewind().map_err(fail)?;
        file.write_all(text.as_bytes()).map_err(fail)?;
        file.flush().map_err(fail)
    }
}

impl Drop for OutputFile {
    fn drop(&mut self) {
        if self.file.take().is_some() && self.created {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Creates `dir` (and its parents) and proves it writable by creating and removing a file in
/// it: `create_dir_all` alone succeeds on an existing read-only directory.
pub fn writable_dir(flag: &str, dir: &Path) -> Result<(), InputError> {
    std::fs::create_dir_all(dir).map_err(|e| {
        InputError::bounded(format!(
            "cannot create {flag} directory {}: {e}",
            dir.display()
        ))
    })?;
    let probe = dir.join(format!(".tcpmc-write-test-{}", std::process::id()));
    File::create(&probe).map_err(|e| {
        InputError::bounded(format!(
            "cannot write in {flag} directory {}: {e}",
            dir.display()
        ))
    })?;
    let _ = std::fs::remove_file(&probe);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unwritable_output_fails_at_once_and_an_unwritten_one_leaves_nothing() {
        assert!(OutputFile::open("--out", Path::new("/proc/tcpmc-b.md"))
            .unwrap_err()
            .0
            .starts_with("cannot write --out /proc/tcpmc-b.md: "));
        assert!(writable_dir("--out", Path::new("/proc/tcpmc-dir")).is_err());
        let dir = std::env::temp_dir().join(format!("tcpmc-output-{}", std::process::id()));
        writable_dir("--out", &dir).unwrap();
        let path = dir.join("t.md");
        drop(OutputFile::open("--out", &path).unwrap());
        assert!(!path.exists());
        let f = OutputFile::open("--out", &path).unwrap();
        f.write("long old text").unwrap();
        OutputFile::open("--out", &path)
            .unwrap()
            .write("new")
            .unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
