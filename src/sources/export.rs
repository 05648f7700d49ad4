//! An export's files, in a folder or a zip archive, opened by name.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use crate::error::Error;

/// A folder of CSV files, or a zip archive of them (OneRoster's usual
/// delivery), from which files are opened by name.
pub(crate) enum Export {
    Folder(PathBuf),
    Zip(Box<zip::ZipArchive<File>>),
}

impl Export {
    /// Opens a folder, or a file that is a zip archive; `None` for any
    /// other file.
    pub(crate) fn open(path: &Path) -> Result<Option<Export>, Error> {
        if path.is_dir() {
            return Ok(Some(Export::Folder(path.to_owned())));
        }
        let mut file = File::open(path)?;
        let mut magic = [0u8; 4];
        let read = file.read(&mut magic)?;
        if read < 4 || magic != *b"PK\x03\x04" {
            return Ok(None);
        }
        let file = File::open(path)?;
        let archive = zip::ZipArchive::new(file).map_err(zip_error)?;
        Ok(Some(Export::Zip(Box::new(archive))))
    }

    /// Whether the export has a file of this name (in a zip, at its top
    /// or in one folder below it, as archives made by zipping a folder
    /// have them).
    pub(crate) fn has(&mut self, name: &str) -> bool {
        match self {
            Export::Folder(dir) => dir.join(name).is_file(),
            Export::Zip(archive) => find_entry(archive, name).is_some(),
        }
    }

    /// The file's bytes, or `None` if the export has no such file.
    pub(crate) fn read(&mut self, name: &str) -> Result<Option<Box<dyn Read + '_>>, Error> {
        match self {
            Export::Folder(dir) => {
                let path = dir.join(name);
                if !path.is_file() {
                    return Ok(None);
                }
                Ok(Some(Box::new(io::BufReader::new(File::open(path)?))))
            }
            Export::Zip(archive) => {
                let Some(entry) = find_entry(archive, name) else {
                    return Ok(None);
                };
                let file = archive.by_name(&entry).map_err(zip_error)?;
                Ok(Some(Box::new(file)))
            }
        }
    }
}

/// The entry holding `name`: at the top, or in a single folder.
fn find_entry(archive: &zip::ZipArchive<File>, name: &str) -> Option<String> {
    archive
        .file_names()
        .filter(|entry| {
            *entry == name
                || entry
                    .rsplit_once('/')
                    .is_some_and(|(dir, file)| file == name && !dir.contains('/'))
        })
        .min_by_key(|entry| entry.len())
        .map(str::to_owned)
}

/// A damaged archive is a file that could not be read.
fn zip_error(error: zip::result::ZipError) -> Error {
    match error {
        zip::result::ZipError::Io(e) => Error::from(e),
        other => Error::from(io::Error::new(io::ErrorKind::InvalidData, other)),
    }
}
