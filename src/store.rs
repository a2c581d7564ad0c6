//! Where the identity id lives between runs, so a player keeps their identity.

use crate::endpoints::parse_id;
use crate::error::{Error, ErrorKind, Result};
use crate::secret::Secret;
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The key the AWS SDK for .NET uses for the cached identity id (`<prefix><pool id>`), kept so that
/// ids stored by apps migrating from it are found.
pub const IDENTITY_ID_KEY_PREFIX: &str = "CognitoIdentity:IdentityId:";

pub fn identity_id_key(pool_id: &str) -> String {
    format!("{IDENTITY_ID_KEY_PREFIX}{pool_id}")
}

/// Keeps one identity id per identity pool.
///
/// Called from the provider's runtime threads, never from the caller's thread; implementations
/// must be quick and must not wait on the thread that uses the provider (a game's main thread).
pub trait IdentityStore: Send + Sync {
    fn load(&self, pool_id: &str) -> Result<Option<String>>;
    fn save(&self, pool_id: &str, identity_id: &str) -> Result<()>;
    fn clear(&self, pool_id: &str) -> Result<()>;

    /// The pool's persisted credentials ([`crate::Config::persist_credentials`]): an opaque text
    /// holding a secret key, to keep where the platform keeps secrets. Read once, when the
    /// provider is created. A store that keeps none (the default) makes every launch ask the
    /// service.
    fn load_credentials(&self, _pool_id: &str) -> Result<Option<Secret>> {
        Ok(None)
    }

    /// Keeps the pool's credentials text (replacing the one before).
    fn save_credentials(&self, _pool_id: &str, _entry: &Secret) -> Result<()> {
        Ok(())
    }

    /// Forgets the pool's credentials (sign-out, a login or identity change, expiry).
    fn clear_credentials(&self, _pool_id: &str) -> Result<()> {
        Ok(())
    }
}

/// Keeps ids in memory only: a new process gets a new identity (unless signed in).
#[derive(Debug, Default)]
pub struct MemoryIdentityStore {
    ids: Mutex<HashMap<String, String>>,
    credentials: Mutex<HashMap<String, Secret>>,
}

impl MemoryIdentityStore {
    pub fn new() -> Self {
        Self::default()
    }
}

impl IdentityStore for MemoryIdentityStore {
    fn load(&self, pool_id: &str) -> Result<Option<String>> {
        Ok(lock(&self.ids).get(pool_id).cloned())
    }

    fn save(&self, pool_id: &str, identity_id: &str) -> Result<()> {
        lock(&self.ids).insert(pool_id.to_owned(), identity_id.to_owned());
        Ok(())
    }

    fn clear(&self, pool_id: &str) -> Result<()> {
        lock(&self.ids).remove(pool_id);
        Ok(())
    }

    fn load_credentials(&self, pool_id: &str) -> Result<Option<Secret>> {
        Ok(lock(&self.credentials).get(pool_id).cloned())
    }

    fn save_credentials(&self, pool_id: &str, entry: &Secret) -> Result<()> {
        lock(&self.credentials).insert(pool_id.to_owned(), entry.clone());
        Ok(())
    }

    fn clear_credentials(&self, pool_id: &str) -> Result<()> {
        lock(&self.credentials).remove(pool_id);
        Ok(())
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic elsewhere cannot leave a map of strings inconsistent: keep using it.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Keeps ids in a folder, one small JSON file per pool (`{"CognitoIdentity:IdentityId:<pool>": "<id>"}`),
/// readable by the owner only (0600 on Unix). Writes go to a temporary file that is renamed over
/// the old one, so a crash leaves the old or the new file, never a torn one (temporary files a
/// crash leaves behind are removed by a later save). A file that cannot be read as such is treated
/// as empty (and logged).
const TEMP_PREFIX: &str = ".cognito-identity-";
const TEMP_SUFFIX: &str = ".tmp";
/// A write takes milliseconds: a temporary file this old was left by a killed process.
const STALE_TEMP_AGE: std::time::Duration = std::time::Duration::from_secs(60);

#[derive(Debug)]
pub struct FileIdentityStore {
    dir: PathBuf,
    /// Serialises writers within this process; rename makes each write atomic for readers.
    write_lock: Mutex<()>,
}

impl FileIdentityStore {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        FileIdentityStore {
            dir: dir.into(),
            write_lock: Mutex::new(()),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file of a pool; pool ids contain ':' which some file systems refuse.
    pub fn path_for(&self, pool_id: &str) -> PathBuf {
        self.dir
            .join(format!("cognito-identity-{}.json", file_name_part(pool_id)))
    }

    /// The file of a pool's persisted credentials (written only when they are persisted).
    pub fn credentials_path_for(&self, pool_id: &str) -> PathBuf {
        self.dir.join(format!(
            "cognito-credentials-{}.json",
            file_name_part(pool_id)
        ))
    }

    /// Best effort: temporary files of writes that never finished (the process was killed).
    /// Only old ones: a young one may be another process's write in progress.
    fn remove_stale_temp_files(&self) {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            let stale = entry
                .metadata()
                .and_then(|m| m.modified())
                .is_ok_and(|t| t.elapsed().is_ok_and(|age| age > STALE_TEMP_AGE));
            if name.starts_with(TEMP_PREFIX) && name.ends_with(TEMP_SUFFIX) && stale {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }

    /// Writes `path` (in this folder) atomically, readable by the owner only.
    pub(crate) fn write(&self, path: &Path, body: &[u8]) -> Result<()> {
        let _guard = lock(&self.write_lock);
        std::fs::create_dir_all(&self.dir)
            .map_err(|e| self.store_error("creating the store folder", e))?;
        // tempfile creates the file with mode 0600 on Unix.
        let mut tmp = tempfile::Builder::new()
            .prefix(TEMP_PREFIX)
            .suffix(TEMP_SUFFIX)
            .tempfile_in(&self.dir)
            .map_err(|e| self.store_error("creating a temporary file", e))?;
        tmp.write_all(body)
            .and_then(|_| tmp.as_file().sync_all())
            .map_err(|e| self.store_error("writing", e))?;
        tmp.persist(path)
            .map_err(|e| self.store_error("replacing the file", e.error))?;
        self.remove_stale_temp_files();
        Ok(())
    }

    /// Removes `path` (in this folder); nothing there is fine.
    pub(crate) fn remove(&self, path: &Path) -> Result<()> {
        let _guard = lock(&self.write_lock);
        match std::fs::remove_file(path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(self.store_error("removing", e)),
        }
    }

    fn store_error(&self, action: &str, e: std::io::Error) -> Error {
        Error::new(
            ErrorKind::Store,
            format!("{action} in {}: {e}", self.dir.display()),
        )
    }
}

/// A pool id as part of a file name: ':' and the like become '_'.
fn file_name_part(pool_id: &str) -> String {
    pool_id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

impl IdentityStore for FileIdentityStore {
    fn load(&self, pool_id: &str) -> Result<Option<String>> {
        let path = self.path_for(pool_id);
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(self.store_error("reading the identity id", e)),
        };
        let stored = serde_json::from_slice::<HashMap<String, String>>(&bytes)
            .ok()
            .and_then(|mut map| map.remove(&identity_id_key(pool_id)))
            .filter(|id| parse_id("identity id", id).is_ok());
        if stored.is_none() {
            tracing::warn!(
                path = %path.display(),
                "identity store file is corrupt or holds no valid id; treating it as empty"
            );
        }
        Ok(stored)
    }

    fn save(&self, pool_id: &str, identity_id: &str) -> Result<()> {
        let body = serde_json::to_vec(&HashMap::from([(identity_id_key(pool_id), identity_id)]))
            .map_err(|e| Error::new(ErrorKind::Store, e.to_string()))?;
        self.write(&self.path_for(pool_id), &body)
    }

    fn clear(&self, pool_id: &str) -> Result<()> {
        self.remove(&self.path_for(pool_id))
    }

    fn load_credentials(&self, pool_id: &str) -> Result<Option<Secret>> {
        match std::fs::read(self.credentials_path_for(pool_id)) {
            // Not UTF-8 is corrupt: an empty text, which reads as no entry.
            Ok(bytes) => Ok(Some(Secret::new(
                String::from_utf8(bytes).unwrap_or_default(),
            ))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(self.store_error("reading the credentials", e)),
        }
    }

    fn save_credentials(&self, pool_id: &str, entry: &Secret) -> Result<()> {
        self.write(
            &self.credentials_path_for(pool_id),
            entry.expose().as_bytes(),
        )
    }

    fn clear_credentials(&self, pool_id: &str) -> Result<()> {
        self.remove(&self.credentials_path_for(pool_id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const POOL: &str = "us-east-1:00000000-0000-4000-8000-000000000001";
    const ID: &str = "us-east-1:11111111-2222-4333-8444-555555555555";

    #[test]
    fn memory_store_round_trip() {
        let s = MemoryIdentityStore::new();
        assert_eq!(s.load(POOL).unwrap(), None);
        s.save(POOL, ID).unwrap();
        assert_eq!(s.load(POOL).unwrap().as_deref(), Some(ID));
        s.clear(POOL).unwrap();
        assert_eq!(s.load(POOL).unwrap(), None);
    }

    #[test]
    fn file_store_round_trip_with_dotnet_key_and_private_mode() {
        let dir = tempfile::tempdir().unwrap();
        let s = FileIdentityStore::new(dir.path().join("nested"));
        assert_eq!(s.load(POOL).unwrap(), None);
        s.save(POOL, ID).unwrap();
        assert_eq!(s.load(POOL).unwrap().as_deref(), Some(ID));
        let text = std::fs::read_to_string(s.path_for(POOL)).unwrap();
        let map: HashMap<String, String> = serde_json::from_str(&text).unwrap();
        assert_eq!(map[&format!("CognitoIdentity:IdentityId:{POOL}")], ID);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(s.path_for(POOL))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        // No temporary files are left behind.
        assert_eq!(std::fs::read_dir(s.dir()).unwrap().count(), 1);
        s.clear(POOL).unwrap();
        s.clear(POOL).unwrap();
        assert_eq!(s.load(POOL).unwrap(), None);
    }

    #[test]
    fn corrupt_files_read_as_empty() {
        let dir = tempfile::tempdir().unwrap();
        let s = FileIdentityStore::new(dir.path());
        for garbage in [
            &b"\xff\xfe\x00garbage"[..],
            b"{\"CognitoIdentity:IdentityId:us-east-1:00000000-0000-4000-8000-000000000001\": 42}",
            b"{\"CognitoIdentity:IdentityId:us-east-1:00000000-0000-4000-8000-000000000001\": \"not an id\"}",
            b"",
            b"[]",
        ] {
            std::fs::write(s.path_for(POOL), garbage).unwrap();
            assert_eq!(s.load(POOL).unwrap(), None);
        }
        // And a save repairs it.
        s.save(POOL, ID).unwrap();
        assert_eq!(s.load(POOL).unwrap().as_deref(), Some(ID));
    }

    #[test]
    fn pools_do_not_share_files() {
        let dir = tempfile::tempdir().unwrap();
        let s = FileIdentityStore::new(dir.path());
        let other = "eu-west-1:00000000-0000-4000-8000-000000000009";
        s.save(POOL, ID).unwrap();
        assert_eq!(s.load(other).unwrap(), None);
        assert_ne!(s.path_for(POOL), s.path_for(other));
    }
}
