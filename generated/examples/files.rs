//! The Files API: upload a file from disk, read its metadata, list files, download one, and
//! delete the upload.
//!
//! ```sh
//! cargo run -p anthropic-openapi --example files
//! ```
//!
//! Talks to the API when `ANTHROPIC_API_KEY` is set, otherwise to a local stand-in. Local
//! files go to `anthropic-openapi-examples/` in the system's temporary directory.
//!
//! The API lets you download only files that tools (code execution, skills) created, not the
//! ones you uploaded; so the example downloads the first downloadable file it finds in the
//! listing, if there is one.

mod support;

use std::path::Path;

use anthropic_openapi::UploadFile;
use anthropic_openapi::{Error, FileMetadata, FilesListParams, FilesUploadParams};
use futures::{StreamExt as _, TryStreamExt as _};

#[tokio::main]
async fn main() -> anthropic_openapi::Result<()> {
    let (client, _backend) = support::client().await?;
    let files = client.files();

    let dir = std::env::temp_dir().join("anthropic-openapi-examples");
    tokio::fs::create_dir_all(&dir).await?;
    let path = dir.join("meeting-notes.txt");
    tokio::fs::write(
        &path,
        "Meeting notes\n\n- Ship the Rust client on Friday.\n- Ask for feedback on the examples.\n",
    )
    .await?;

    // Upload: the file is streamed from disk, and its MIME type guessed from its extension.
    let upload = UploadFile::from_path(&path).await?;
    let uploaded = files.upload(FilesUploadParams::new(upload)).await?;
    println!(
        "uploaded {} as {} ({} bytes, {})",
        path.display(),
        uploaded.id,
        uploaded.size_bytes,
        uploaded.mime_type
    );

    let metadata = files.retrieve_metadata(&uploaded.id).await?;
    println!(
        "metadata: {:?}, created {}, downloadable: {}",
        metadata.filename,
        metadata.created_at.format("%Y-%m-%d %H:%M:%S UTC"),
        metadata.downloadable.unwrap_or(false)
    );

    // List: `list_stream` fetches further pages as needed; take the 20 newest.
    let listed: Vec<FileMetadata> = files
        .list_stream(FilesListParams::new())
        .take(20)
        .try_collect()
        .await?;
    println!("\n{} file(s), newest first:", listed.len());
    for file in &listed {
        println!(
            "  {:<34} {:<28} {:>9} bytes  {}",
            file.id,
            file.filename,
            file.size_bytes,
            if file.downloadable == Some(true) {
                "downloadable"
            } else {
                "not downloadable"
            }
        );
    }

    // Download: written to a temporary file next to the target, renamed into place when
    // complete.
    match listed.iter().find(|f| f.downloadable == Some(true)) {
        Some(file) => {
            // The name comes from the server: keep only its last component.
            let name = Path::new(&file.filename)
                .file_name()
                .map_or_else(|| file.id.clone().into(), |n| n.to_os_string());
            let target = dir.join(name);
            let bytes = files.download_to(&file.id, &target).await?;
            println!(
                "\ndownloaded {} to {} ({bytes} bytes)",
                file.id,
                target.display()
            );
            let text = tokio::fs::read_to_string(&target).await.unwrap_or_default();
            for line in text.lines().take(3) {
                println!("  | {line}");
            }
        }
        None => println!(
            "\nnothing to download: only files created by tools such as code execution are \
             downloadable"
        ),
    }

    // Delete the upload, then show that it is gone: the API answers 404 not_found_error.
    let deleted = files.delete(&uploaded.id).await?;
    println!("\ndeleted {}", deleted.id);
    match files.retrieve_metadata(&uploaded.id).await {
        Err(Error::Api(e)) if e.status == 404 => println!(
            "retrieving it again: {} {} ({}), request id {}",
            e.status,
            e.error_type,
            e.message,
            e.request_id.as_deref().unwrap_or("unknown")
        ),
        Err(e) => return Err(e),
        Ok(file) => println!("{} is still listed (deletion can take a moment)", file.id),
    }
    Ok(())
}
