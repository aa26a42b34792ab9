//! File-system operations confined beneath one open directory: every call names a
//! single path component relative to a directory file descriptor and never follows a
//! symbolic link (`openat` with `O_NOFOLLOW`, `mkdirat`, `renameat`, `unlinkat`). A
//! path is never resolved again after the directory was opened, so swapping a folder
//! for a symlink after the fact cannot redirect a write.

use std::hash::{BuildHasher, Hasher};
use std::io::{Read, Write};
use std::os::fd::OwnedFd;
use std::path::Path;
use std::time::{Duration, Instant};

use rustix::fs::{AtFlags, FileType, FlockOperation, Mode, OFlags};
use rustix::io::Errno;

/// An open directory; everything below it is reached through it.
#[derive(Debug)]
pub struct Dir {
    fd: OwnedFd,
}

/// What is at a name inside a directory (without following a link).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    Missing,
    File,
    Dir,
    /// A symbolic link, FIFO, socket or device: never read, written or removed.
    Other,
}

/// Why a single-component operation failed.
#[derive(Debug)]
pub enum Refused {
    /// The name is a symbolic link or not the kind of entry expected.
    NotPlain,
    Io(std::io::Error),
}

impl From<Errno> for Refused {
    fn from(e: Errno) -> Self {
        if e == Errno::LOOP || e == Errno::NOTDIR {
            Refused::NotPlain
        } else {
            Refused::Io(e.into())
        }
    }
}

const DIR_FLAGS: OFlags = OFlags::RDONLY
    .union(OFlags::DIRECTORY)
    .union(OFlags::NOFOLLOW)
    .union(OFlags::CLOEXEC);

impl Dir {
    /// Open (creating it and its parents if needed) the output folder the user named.
    /// This is the only path ferry resolves; symlinks in it are the user's choice.
    pub fn open_root(path: &Path) -> std::io::Result<Dir> {
        std::fs::create_dir_all(path)?;
        let fd = rustix::fs::openat(
            rustix::fs::CWD,
            path,
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
            Mode::empty(),
        )?;
        Ok(Dir { fd })
    }

    /// Open the output folder the user named if it exists (`None` when it does not);
    /// nothing is created. For reading only (`ferry compile --check`).
    pub fn open_existing_root(path: &Path) -> std::io::Result<Option<Dir>> {
        match rustix::fs::openat(
            rustix::fs::CWD,
            path,
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
            Mode::empty(),
        ) {
            Ok(fd) => Ok(Some(Dir { fd })),
            Err(Errno::NOENT) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// The entry `name` without following a link.
    pub fn entry(&self, name: &str) -> Result<Entry, Refused> {
        match rustix::fs::statat(&self.fd, name, AtFlags::SYMLINK_NOFOLLOW) {
            Ok(st) => Ok(match FileType::from_raw_mode(st.st_mode) {
                FileType::RegularFile => Entry::File,
                FileType::Directory => Entry::Dir,
                _ => Entry::Other,
            }),
            Err(Errno::NOENT) => Ok(Entry::Missing),
            Err(e) => Err(e.into()),
        }
    }

    /// Open the existing sub-folder `name`; `None` when it does not exist. A symlink
    /// (even to a folder) is refused.
    pub fn open_dir(&self, name: &str) -> Result<Option<Dir>, Refused> {
        match rustix::fs::openat(&self.fd, name, DIR_FLAGS, Mode::empty()) {
            Ok(fd) => Ok(Some(Dir { fd })),
            Err(Errno::NOENT) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Open the sub-folder `name`, creating it if it is missing.
    pub fn create_dir(&self, name: &str) -> Result<Dir, Refused> {
        match rustix::fs::mkdirat(&self.fd, name, Mode::from_raw_mode(0o777)) {
            Ok(()) | Err(Errno::EXIST) => {}
            Err(e) => return Err(e.into()),
        }
        match self.open_dir(name)? {
            Some(dir) => Ok(dir),
            None => Err(Refused::Io(std::io::ErrorKind::NotFound.into())),
        }
    }

    /// The bytes of the regular file `name`; `None` when missing. Links, FIFOs and
    /// devices are refused without being opened for reading (`O_NONBLOCK` keeps a FIFO
    /// swapped in at the last moment from blocking; `fstat` then rejects it).
    pub fn read_file(&self, name: &str, limit: u64) -> Result<Option<Vec<u8>>, Refused> {
        let flags = OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC;
        let fd = match rustix::fs::openat(&self.fd, name, flags, Mode::empty()) {
            Ok(fd) => fd,
            Err(Errno::NOENT) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        let st = rustix::fs::fstat(&fd)?;
        if FileType::from_raw_mode(st.st_mode) != FileType::RegularFile {
            return Err(Refused::NotPlain);
        }
        let mut bytes = Vec::new();
        std::fs::File::from(fd)
            .take(limit)
            .read_to_end(&mut bytes)
            .map_err(Refused::Io)?;
        Ok(Some(bytes))
    }

    /// Replace (or create) `name` with `bytes` atomically: the bytes go to a new file
    /// with an unpredictable name created exclusively (`O_CREAT | O_EXCL | O_NOFOLLOW`),
    /// which is then renamed over `name`. A rename replaces the entry itself, so a link
    /// at `name` is replaced, never followed.
    pub fn replace_file(&self, name: &str, bytes: &[u8]) -> Result<(), Refused> {
        let (tmp, fd) = self.create_temp()?;
        let written = std::fs::File::from(fd).write_all(bytes);
        let renamed = written.map_err(Refused::Io).and_then(|()| {
            rustix::fs::renameat(&self.fd, &tmp, &self.fd, name).map_err(Refused::from)
        });
        if renamed.is_err() {
            let _ = rustix::fs::unlinkat(&self.fd, &tmp, AtFlags::empty());
        }
        renamed
    }

    fn create_temp(&self) -> Result<(String, OwnedFd), Refused> {
        let flags =
            OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC;
        for _ in 0..16 {
            let name = format!(".ferry-tmp-{:016x}", unpredictable());
            match rustix::fs::openat(&self.fd, &name, flags, Mode::from_raw_mode(0o666)) {
                Ok(fd) => return Ok((name, fd)),
                Err(Errno::EXIST) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(Refused::Io(std::io::ErrorKind::AlreadyExists.into()))
    }

    /// Remove `name` if it is a regular file (a link, folder or device is left alone;
    /// `unlinkat` never follows a link, so a file swapped for one after the check
    /// loses the link, not its target).
    pub fn remove_file(&self, name: &str) -> Result<(), Refused> {
        match self.entry(name)? {
            Entry::File => Ok(rustix::fs::unlinkat(&self.fd, name, AtFlags::empty())?),
            Entry::Missing => Ok(()),
            _ => Err(Refused::NotPlain),
        }
    }

    /// Take the advisory exclusive lock of this folder (`flock` on its descriptor),
    /// waiting up to `wait`; released when the `Dir` is dropped. `Ok(false)`: another
    /// process held it the whole time.
    pub fn lock(&self, wait: Duration) -> std::io::Result<bool> {
        self.lock_as(FlockOperation::NonBlockingLockExclusive, wait)
    }

    /// Like [`Dir::lock`], but shared: readers wait for a writer, not for each other.
    pub fn lock_shared(&self, wait: Duration) -> std::io::Result<bool> {
        self.lock_as(FlockOperation::NonBlockingLockShared, wait)
    }

    fn lock_as(&self, operation: FlockOperation, wait: Duration) -> std::io::Result<bool> {
        let start = Instant::now();
        let mut pause = Duration::from_millis(5);
        loop {
            match rustix::fs::flock(&self.fd, operation) {
                Ok(()) => return Ok(true),
                Err(Errno::WOULDBLOCK | Errno::INTR) => {}
                Err(e) => return Err(e.into()),
            }
            if start.elapsed() >= wait {
                return Ok(false);
            }
            std::thread::sleep(pause);
            pause = (pause * 2).min(Duration::from_millis(200));
        }
    }
}

/// 64 bits no other process can guess: std's per-process random hash keys (seeded by
/// the operating system) over the time and a counter.
fn unpredictable() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default(),
    );
    h.write_u32(std::process::id());
    h.finish()
}
