//! Reading a file a suite names: the suite itself, an `include`, a `rows`
//! CSV, a secret's `file`.
//!
//! The path is the author's, so it can name anything: a directory, a FIFO
//! that never delivers, `/dev/zero` that never ends, a multi-gigabyte dump.
//! `read_to_string` would hang or fill memory on the last three. Only a
//! regular file is read, and only up to [`MAX_BYTES`]; anything else is an
//! error the loader reports at the position that named the file.

use std::io::{self, Read};
use std::path::Path;

/// The largest file a suite may name (a suite, fragment or CSV of this size
/// is far past anything written by hand or generated for a smoke run).
pub const MAX_BYTES: u64 = 16 * 1024 * 1024;

/// The file's text, if it is a regular file of at most [`MAX_BYTES`] in UTF-8.
pub fn read(path: &Path) -> io::Result<String> {
    // Judged before opening: opening a FIFO waits for a writer.
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, "not a regular file"));
    }
    if meta.len() > MAX_BYTES {
        return Err(too_large(meta.len()));
    }
    let file = std::fs::File::open(path)?;
    let mut text = String::new();
    // Capped even so: a file that grows while it is read stops at the limit.
    file.take(MAX_BYTES + 1).read_to_string(&mut text)?;
    if text.len() as u64 > MAX_BYTES {
        return Err(too_large(text.len() as u64));
    }
    Ok(text)
}

fn too_large(bytes: u64) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, format!("{bytes} bytes, more than the {MAX_BYTES} a suite may name"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_regular_file_is_read() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(read(dir.path()).unwrap_err().to_string(), "not a regular file");
        assert_eq!(read(Path::new("/dev/zero")).unwrap_err().to_string(), "not a regular file");
        let f = dir.path().join("a.toml");
        std::fs::write(&f, "suite = \"a\"\n").unwrap();
        assert_eq!(read(&f).unwrap(), "suite = \"a\"\n");
    }

    #[test]
    fn a_huge_file_is_refused_unread() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("big.csv");
        std::fs::File::create(&f).unwrap().set_len(MAX_BYTES + 1).unwrap();
        assert!(read(&f).unwrap_err().to_string().contains("more than the 16777216"));
    }
}
