//! Image and PDF content blocks from bytes or from a file, base64-encoded in one call.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::{
    Base64ImageSourceParam, Base64ImageSourceParamMediaType, Base64PdfSource, ContentBlockParam,
    DocumentBlockParam, ImageBlockParam,
};

impl ContentBlockParam {
    /// An image block with `bytes` inline (base64-encoded here), of the given format.
    pub fn image_bytes(
        media_type: Base64ImageSourceParamMediaType,
        bytes: impl AsRef<[u8]>,
    ) -> Self {
        let source = Base64ImageSourceParam::new(STANDARD.encode(bytes), media_type);
        ImageBlockParam::new(source).into()
    }

    /// An image block with the contents of the file at `path`.
    ///
    /// The format (JPEG, PNG, GIF or WebP) is read from the file's first bytes, or, when they
    /// are not recognized, from its extension (`.jpg`, `.jpeg`, `.png`, `.gif`, `.webp`,
    /// in any case); a file whose bytes say PDF is refused whatever its extension. A file that cannot be read, or is none of those formats, is a
    /// [`MediaFileError`] naming the path; with `?` it also converts into an
    /// [`Error::Io`](crate::Error::Io).
    pub async fn image_path(path: impl AsRef<Path>) -> Result<Self, MediaFileError> {
        let path = path.as_ref();
        let bytes = read(path).await?;
        let looks_like_pdf = is_pdf(&bytes);
        let media_type = sniff_image(&bytes)
            .or_else(|| image_from_extension(path).filter(|_| !looks_like_pdf))
            .ok_or_else(|| MediaFileError::NotAnImage {
                path: path.to_path_buf(),
                looks_like_pdf,
            })?;
        Ok(Self::image_bytes(media_type, bytes))
    }

    /// A PDF document block with `bytes` inline (base64-encoded here).
    pub fn pdf_bytes(bytes: impl AsRef<[u8]>) -> Self {
        DocumentBlockParam::new(Base64PdfSource::new(STANDARD.encode(bytes))).into()
    }

    /// A PDF document block with the contents of the file at `path`.
    ///
    /// The file must start with the PDF signature `%PDF-`, or, when it does not, have the
    /// extension `.pdf` (in any case) and not start with the signature of an image. A file that cannot be read, or is not a PDF, is a
    /// [`MediaFileError`] naming the path; with `?` it also converts into an
    /// [`Error::Io`](crate::Error::Io).
    pub async fn pdf_path(path: impl AsRef<Path>) -> Result<Self, MediaFileError> {
        let path = path.as_ref();
        let bytes = read(path).await?;
        let by_name = extension(path).is_some_and(|ext| ext == "pdf");
        if !is_pdf(&bytes) && (!by_name || sniff_image(&bytes).is_some()) {
            return Err(MediaFileError::NotAPdf {
                path: path.to_path_buf(),
            });
        }
        Ok(Self::pdf_bytes(bytes))
    }
}

/// Reads the whole file, naming it in the error.
async fn read(path: &Path) -> Result<Vec<u8>, MediaFileError> {
    tokio::fs::read(path)
        .await
        .map_err(|source| MediaFileError::Read {
            path: path.to_path_buf(),
            source,
        })
}

/// The image format that `bytes` start with, by its signature.
fn sniff_image(bytes: &[u8]) -> Option<Base64ImageSourceParamMediaType> {
    use Base64ImageSourceParamMediaType as M;
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(M::ImagePng)
    } else if bytes.starts_with(b"\xff\xd8\xff") {
        Some(M::ImageJpeg)
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some(M::ImageGif)
    } else if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
        Some(M::ImageWebp)
    } else {
        None
    }
}

/// The image format named by the path's extension.
fn image_from_extension(path: &Path) -> Option<Base64ImageSourceParamMediaType> {
    use Base64ImageSourceParamMediaType as M;
    match extension(path)?.as_str() {
        "png" => Some(M::ImagePng),
        "jpg" | "jpeg" => Some(M::ImageJpeg),
        "gif" => Some(M::ImageGif),
        "webp" => Some(M::ImageWebp),
        _ => None,
    }
}

/// Whether `bytes` start with the PDF signature.
fn is_pdf(bytes: &[u8]) -> bool {
    bytes.starts_with(b"%PDF-")
}

/// The path's extension, in lower case.
fn extension(path: &Path) -> Option<String> {
    Some(path.extension()?.to_str()?.to_ascii_lowercase())
}

/// A file that could not become an image or PDF block, from
/// [`ContentBlockParam::image_path`] or [`ContentBlockParam::pdf_path`].
#[derive(Debug)]
#[non_exhaustive]
pub enum MediaFileError {
    /// The file could not be read.
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// The file is not a JPEG, PNG, GIF or WebP image: neither its first bytes nor its
    /// extension say one (or its bytes say PDF).
    NotAnImage {
        /// The file.
        path: PathBuf,
        /// Its first bytes are those of a PDF (which `pdf_path` takes).
        looks_like_pdf: bool,
    },
    /// The file is not a PDF: its first bytes are not a PDF's, and its extension is not
    /// `.pdf` or its bytes are an image's.
    NotAPdf {
        /// The file.
        path: PathBuf,
    },
}

impl MediaFileError {
    /// The file the error is about.
    pub fn path(&self) -> &Path {
        match self {
            MediaFileError::Read { path, .. }
            | MediaFileError::NotAnImage { path, .. }
            | MediaFileError::NotAPdf { path } => path,
        }
    }
}

impl fmt::Display for MediaFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MediaFileError::Read { path, source } => {
                write!(f, "cannot read {}: {source}", path.display())
            }
            MediaFileError::NotAnImage {
                path,
                looks_like_pdf,
            } => {
                write!(
                    f,
                    "{} is not a supported image: neither its first bytes nor its extension \
                     say JPEG, PNG, GIF or WebP",
                    path.display()
                )?;
                if *looks_like_pdf {
                    f.write_str(" (it is a PDF: use ContentBlockParam::pdf_path)")?;
                }
                Ok(())
            }
            MediaFileError::NotAPdf { path } => write!(
                f,
                "{} is not a PDF: it does not start with %PDF-, and its extension is not .pdf \
                 or its bytes are those of an image",
                path.display()
            ),
        }
    }
}

impl std::error::Error for MediaFileError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            MediaFileError::Read { source, .. } => Some(source),
            _ => None,
        }
    }
}

impl From<MediaFileError> for crate::Error {
    /// An [`Error::Io`](crate::Error::Io) whose message names the file: the read error's
    /// kind for a file that could not be read, `InvalidData` for one of the wrong format.
    fn from(error: MediaFileError) -> Self {
        let kind = match &error {
            MediaFileError::Read { source, .. } => source.kind(),
            _ => io::ErrorKind::InvalidData,
        };
        crate::Error::Io(io::Error::new(kind, error))
    }
}
