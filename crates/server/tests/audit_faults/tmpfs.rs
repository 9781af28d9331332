//! A small tmpfs to fill: mounted for the disk-full cases, always unmounted on drop (also
//! when a case panics), lazily if something still holds a file open.

use std::{
    io::Write,
    path::{Path, PathBuf},
    process::Command,
};

pub struct Tmpfs {
    path: PathBuf,
    _dir: tempfile::TempDir,
}

pub enum Mounted {
    Yes(Tmpfs),
    /// This machine does not let us mount (not root, no CAP_SYS_ADMIN): why.
    NotPermitted(String),
}

impl Tmpfs {
    /// `size` as mount takes it, e.g. `16m`. Other failures than a refused permission are
    /// errors, not skips.
    pub fn mount(size: &str) -> Result<Mounted, String> {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let out = Command::new("mount")
            .args([
                "-t",
                "tmpfs",
                "-o",
                &format!("size={size},mode=0700"),
                "tmpfs",
            ])
            .arg(dir.path())
            .output()
            .map_err(|e| format!("cannot run mount: {e}"))?;
        if out.status.success() {
            return Ok(Mounted::Yes(Tmpfs {
                path: dir.path().to_owned(),
                _dir: dir,
            }));
        }
        let why = String::from_utf8_lossy(&out.stderr).trim().to_owned();
        let lower = why.to_lowercase();
        if [
            "permission denied",
            "not permitted",
            "must be superuser",
            "only root",
        ]
        .iter()
        .any(|s| lower.contains(s))
        {
            Ok(Mounted::NotPermitted(why))
        } else {
            Err(format!("mount failed: {why}"))
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let plain = Command::new("umount").arg(&self.path).status();
        if !plain.is_ok_and(|s| s.success()) {
            let lazy = Command::new("umount").arg("-l").arg(&self.path).status();
            if !lazy.is_ok_and(|s| s.success()) {
                eprintln!("!!! could not unmount the tmpfs at {}", self.path.display());
            }
        }
    }
}

/// Writes `path` until the file system is full; returns the bytes written.
pub fn fill(path: &Path) -> u64 {
    let mut file = std::fs::File::create(path).expect("the filler file");
    let chunk = vec![0x5a_u8; 64 * 1024];
    let mut written = 0;
    loop {
        match file.write(&chunk) {
            Ok(0) => break,
            Ok(n) => written += n as u64,
            Err(e) if e.kind() == std::io::ErrorKind::StorageFull => break,
            Err(e) => panic!("filling the disk: {e}"),
        }
    }
    written
}

/// Gives back `bytes` of the filler (0: all of it).
pub fn shrink(path: &Path, written: u64, bytes: u64) {
    if bytes == 0 {
        std::fs::remove_file(path).expect("remove the filler");
    } else {
        let file = std::fs::OpenOptions::new().write(true).open(path).unwrap();
        file.set_len(written.saturating_sub(bytes)).unwrap();
    }
}
