//! The in-memory object store behind the S3 endpoint: buckets (each in the region it
//! was created in), objects with their metadata, multipart uploads in progress,
//! listing with prefix, delimiter and markers, and the size limits.

use std::collections::{BTreeMap, HashMap};
use std::ops::Bound;
use std::time::SystemTime;

use bytes::Bytes;

/// Default [`crate::EmulatorConfig::max_object_size`].
pub const DEFAULT_MAX_OBJECT_SIZE: usize = 16 * 1024 * 1024;
/// Default [`crate::EmulatorConfig::max_store_bytes`].
pub const DEFAULT_MAX_STORE_BYTES: u64 = 256 * 1024 * 1024;
/// Buckets at most (S3's default quota per account is far higher; this bounds memory).
pub(crate) const MAX_BUCKETS: usize = 1000;
/// What each object (and each uploaded part) costs in the store's budget besides its
/// data and key.
const OBJECT_OVERHEAD: u64 = 256;
/// Multipart uploads in progress at most.
pub(crate) const MAX_UPLOADS: usize = 100;
/// S3's smallest part, except the last.
pub(crate) const MIN_PART_SIZE: usize = 5 * 1024 * 1024;

/// A multipart upload in progress.
pub(crate) struct Upload {
    pub bucket: String,
    pub key: String,
    /// As [`Object::headers`], given when the upload was created.
    pub headers: Vec<(String, String)>,
    pub parts: BTreeMap<u32, Part>,
}

pub(crate) struct Part {
    pub data: Bytes,
    /// Quoted hex MD5 of the part.
    pub etag: String,
}

impl Part {
    fn cost(&self) -> u64 {
        self.data.len() as u64 + OBJECT_OVERHEAD
    }
}

/// Why a multipart operation was refused.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum UploadError {
    Store(StoreError),
    NoSuchUpload,
    TooManyUploads,
    /// A listed part was not uploaded, or has another ETag.
    InvalidPart(u32),
    /// Parts not listed in ascending order.
    InvalidPartOrder,
    /// A part other than the last below [`MIN_PART_SIZE`].
    EntityTooSmall {
        part: u32,
        size: usize,
    },
}

impl From<StoreError> for UploadError {
    fn from(e: StoreError) -> UploadError {
        UploadError::Store(e)
    }
}

/// One stored object.
#[derive(Clone, Debug)]
pub(crate) struct Object {
    pub data: Bytes,
    /// Quoted hex MD5 of the data, as S3 sends it.
    pub etag: String,
    pub last_modified: SystemTime,
    /// Headers given with the upload and returned on GET/HEAD: `content-type`,
    /// `cache-control`, `content-disposition`, `content-encoding`,
    /// `content-language`, `expires`, `x-amz-meta-*` (lowercase names).
    pub headers: Vec<(String, String)>,
    /// `(x-amz-checksum-<algorithm>, base64 value)` given with the upload.
    pub checksum: Option<(String, String)>,
}

impl Object {
    fn cost(&self, key: &str) -> u64 {
        let headers: usize = self.headers.iter().map(|(n, v)| n.len() + v.len()).sum();
        self.data.len() as u64 + key.len() as u64 + headers as u64 + OBJECT_OVERHEAD
    }
}

pub(crate) struct Bucket {
    pub region: String,
    pub created: SystemTime,
    pub objects: BTreeMap<String, Object>,
}

/// Why a write was refused.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum StoreError {
    /// The object alone is larger than the per-object limit.
    ObjectTooLarge {
        size: u64,
        max: u64,
    },
    /// Storing it would exceed the store's budget.
    StoreFull {
        used: u64,
        needed: u64,
        max: u64,
    },
    TooManyBuckets,
    NoSuchBucket,
    BucketNotEmpty,
}

pub(crate) struct ObjectStore {
    buckets: BTreeMap<String, Bucket>,
    /// Multipart uploads in progress, by upload id.
    uploads: HashMap<String, Upload>,
    used: u64,
    pub max_object_size: usize,
    pub max_total: u64,
}

/// One entry of a listing page.
pub(crate) enum Entry<'a> {
    Object(&'a str, &'a Object),
    CommonPrefix(String),
}

/// A listing page.
pub(crate) struct Page<'a> {
    pub entries: Vec<Entry<'a>>,
    pub truncated: bool,
}

/// Where a listing resumes: after `key`; if it ended on a common prefix, after every
/// key under it too.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Marker {
    pub key: String,
    pub skip_prefix: bool,
}

impl ObjectStore {
    pub fn new(max_object_size: usize, max_total: u64) -> ObjectStore {
        ObjectStore {
            buckets: BTreeMap::new(),
            uploads: HashMap::new(),
            used: 0,
            max_object_size,
            max_total,
        }
    }

    pub fn bucket(&self, name: &str) -> Option<&Bucket> {
        self.buckets.get(name)
    }

    pub fn buckets(&self) -> impl Iterator<Item = (&String, &Bucket)> {
        self.buckets.iter()
    }

    /// Bytes charged against [`ObjectStore::max_total`] (data, keys, metadata and a
    /// fixed overhead per object).
    pub fn used(&self) -> u64 {
        self.used
    }

    pub fn object_count(&self) -> usize {
        self.buckets.values().map(|b| b.objects.len()).sum()
    }

    /// Creates the bucket if it does not exist; `Ok(false)` if it did.
    pub fn create_bucket(
        &mut self,
        name: &str,
        region: &str,
        now: SystemTime,
    ) -> Result<bool, StoreError> {
        if self.buckets.contains_key(name) {
            return Ok(false);
        }
        if self.buckets.len() >= MAX_BUCKETS {
            return Err(StoreError::TooManyBuckets);
        }
        self.buckets.insert(
            name.to_string(),
            Bucket {
                region: region.to_string(),
                created: now,
                objects: BTreeMap::new(),
            },
        );
        Ok(true)
    }

    pub fn delete_bucket(&mut self, name: &str) -> Result<(), StoreError> {
        match self.buckets.get(name) {
            None => Err(StoreError::NoSuchBucket),
            Some(b) if !b.objects.is_empty() => Err(StoreError::BucketNotEmpty),
            Some(_) => {
                self.buckets.remove(name);
                Ok(())
            }
        }
    }

    /// Stores (or replaces) an object in an existing bucket, within the limits.
    pub fn put(&mut self, bucket: &str, key: &str, object: Object) -> Result<(), StoreError> {
        let size = object.data.len() as u64;
        if size > self.max_object_size as u64 {
            return Err(StoreError::ObjectTooLarge {
                size,
                max: self.max_object_size as u64,
            });
        }
        let cost = object.cost(key);
        let b = self
            .buckets
            .get_mut(bucket)
            .ok_or(StoreError::NoSuchBucket)?;
        let freed = b.objects.get(key).map_or(0, |old| old.cost(key));
        let after = self.used - freed + cost;
        if after > self.max_total {
            return Err(StoreError::StoreFull {
                used: self.used,
                needed: cost,
                max: self.max_total,
            });
        }
        b.objects.insert(key.to_string(), object);
        self.used = after;
        Ok(())
    }

    pub fn get(&self, bucket: &str, key: &str) -> Result<Option<&Object>, StoreError> {
        let b = self.buckets.get(bucket).ok_or(StoreError::NoSuchBucket)?;
        Ok(b.objects.get(key))
    }

    /// Deletes an object if it exists (deleting a missing key is not an error).
    pub fn delete(&mut self, bucket: &str, key: &str) -> Result<(), StoreError> {
        let b = self
            .buckets
            .get_mut(bucket)
            .ok_or(StoreError::NoSuchBucket)?;
        if let Some(old) = b.objects.remove(key) {
            self.used -= old.cost(key);
        }
        Ok(())
    }

    /// Removes every bucket and object.
    pub fn clear(&mut self) {
        self.buckets.clear();
        self.uploads.clear();
        self.used = 0;
    }

    pub fn upload_count(&self) -> usize {
        self.uploads.len()
    }

    /// Starts a multipart upload in an existing bucket.
    pub fn create_upload(
        &mut self,
        id: String,
        bucket: &str,
        key: &str,
        headers: Vec<(String, String)>,
    ) -> Result<(), UploadError> {
        if !self.buckets.contains_key(bucket) {
            return Err(StoreError::NoSuchBucket.into());
        }
        if self.uploads.len() >= MAX_UPLOADS {
            return Err(UploadError::TooManyUploads);
        }
        self.uploads.insert(
            id,
            Upload {
                bucket: bucket.to_string(),
                key: key.to_string(),
                headers,
                parts: BTreeMap::new(),
            },
        );
        Ok(())
    }

    fn upload_mut(
        &mut self,
        id: &str,
        bucket: &str,
        key: &str,
    ) -> Result<&mut Upload, UploadError> {
        match self.uploads.get_mut(id) {
            Some(u) if u.bucket == bucket && u.key == key => Ok(u),
            _ => Err(UploadError::NoSuchUpload),
        }
    }

    /// Stores (or replaces) one part, within the limits.
    pub fn put_part(
        &mut self,
        id: &str,
        bucket: &str,
        key: &str,
        number: u32,
        part: Part,
    ) -> Result<(), UploadError> {
        let size = part.data.len() as u64;
        if size > self.max_object_size as u64 {
            return Err(StoreError::ObjectTooLarge {
                size,
                max: self.max_object_size as u64,
            }
            .into());
        }
        let (used, max) = (self.used, self.max_total);
        let upload = self.upload_mut(id, bucket, key)?;
        let freed = upload.parts.get(&number).map_or(0, Part::cost);
        let after = used - freed + part.cost();
        if after > max {
            return Err(StoreError::StoreFull {
                used,
                needed: part.cost(),
                max,
            }
            .into());
        }
        upload.parts.insert(number, part);
        self.used = after;
        Ok(())
    }

    /// Drops an upload and its parts.
    pub fn abort_upload(&mut self, id: &str, bucket: &str, key: &str) -> Result<(), UploadError> {
        self.upload_mut(id, bucket, key)?;
        if let Some(upload) = self.uploads.remove(id) {
            self.used -= upload.parts.values().map(Part::cost).sum::<u64>();
        }
        Ok(())
    }

    /// Assembles the listed parts (number, ETag) into the object (ETag: the MD5 of
    /// the parts' MD5s, `-<count>`, as S3's), stored in place of the upload, which is
    /// gone afterwards. Nothing changes if it fails. Returns the object's ETag.
    pub fn complete_upload(
        &mut self,
        id: &str,
        bucket: &str,
        key: &str,
        listed: &[(u32, String)],
        now: SystemTime,
    ) -> Result<String, UploadError> {
        let max_object = self.max_object_size;
        let upload = self.upload_mut(id, bucket, key)?;
        if listed.windows(2).any(|w| w[1].0 <= w[0].0) {
            return Err(UploadError::InvalidPartOrder);
        }
        let mut total = 0usize;
        let mut digests = Vec::with_capacity(listed.len() * 16);
        for (i, (number, etag)) in listed.iter().enumerate() {
            let part = upload
                .parts
                .get(number)
                .ok_or(UploadError::InvalidPart(*number))?;
            let hex = part.etag.trim_matches('"');
            if hex != etag.trim().trim_matches('"') {
                return Err(UploadError::InvalidPart(*number));
            }
            if i + 1 < listed.len() && part.data.len() < MIN_PART_SIZE {
                return Err(UploadError::EntityTooSmall {
                    part: *number,
                    size: part.data.len(),
                });
            }
            total += part.data.len();
            digests.extend(
                (0..hex.len() / 2)
                    .filter_map(|j| u8::from_str_radix(&hex[2 * j..2 * j + 2], 16).ok()),
            );
        }
        if total > max_object {
            return Err(StoreError::ObjectTooLarge {
                size: total as u64,
                max: max_object as u64,
            }
            .into());
        }
        let mut data = Vec::with_capacity(total);
        for (n, _) in listed {
            if let Some(p) = upload.parts.get(n) {
                data.extend_from_slice(&p.data);
            }
        }
        let etag = format!(
            "\"{}-{}\"",
            crate::sigv4::hex(&crate::checksum::md5(&digests)),
            listed.len()
        );
        let object = Object {
            data: Bytes::from(data),
            etag: etag.clone(),
            last_modified: now,
            headers: upload.headers.clone(),
            checksum: None,
        };
        // The budget once the parts are freed and the object stored.
        let parts_cost: u64 = upload.parts.values().map(Part::cost).sum();
        let replaced = self
            .buckets
            .get(bucket)
            .and_then(|b| b.objects.get(key))
            .map_or(0, |o| o.cost(key));
        let after = self.used - parts_cost - replaced + object.cost(key);
        if after > self.max_total {
            return Err(StoreError::StoreFull {
                used: self.used,
                needed: object.cost(key),
                max: self.max_total,
            }
            .into());
        }
        self.uploads.remove(id);
        self.used -= parts_cost;
        self.put(bucket, key, object)?;
        Ok(etag)
    }

    /// Up to `max_keys` entries (objects and common prefixes, in key order) of the
    /// keys starting with `prefix` after `after`; with a delimiter, keys with the
    /// delimiter after the prefix are rolled up into common prefixes (each counted
    /// once). The scan is bounded by the number of objects in the bucket.
    pub fn list<'a>(
        &'a self,
        bucket: &str,
        prefix: &str,
        delimiter: Option<&str>,
        after: Option<&Marker>,
        max_keys: usize,
    ) -> Result<Page<'a>, StoreError> {
        let b = self.buckets.get(bucket).ok_or(StoreError::NoSuchBucket)?;
        let start = match after {
            Some(m) if m.key.as_str() >= prefix => Bound::Excluded(m.key.clone()),
            _ => Bound::Included(prefix.to_string()),
        };
        let mut entries = Vec::new();
        let mut truncated = false;
        let mut last_prefix: Option<String> =
            after.filter(|m| m.skip_prefix).map(|m| m.key.clone());
        for (key, object) in b.objects.range::<String, _>((start, Bound::Unbounded)) {
            if !key.starts_with(prefix) {
                break;
            }
            if last_prefix.as_deref().is_some_and(|p| key.starts_with(p)) {
                continue;
            }
            let rolled_up = delimiter.filter(|d| !d.is_empty()).and_then(|d| {
                key[prefix.len()..]
                    .find(d)
                    .map(|at| key[..prefix.len() + at + d.len()].to_string())
            });
            if entries.len() >= max_keys {
                truncated = true;
                break;
            }
            match rolled_up {
                Some(common) => {
                    last_prefix = Some(common.clone());
                    entries.push(Entry::CommonPrefix(common));
                }
                None => entries.push(Entry::Object(key, object)),
            }
        }
        Ok(Page { entries, truncated })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(data: &[u8]) -> Object {
        Object {
            data: Bytes::copy_from_slice(data),
            etag: String::new(),
            last_modified: SystemTime::UNIX_EPOCH,
            headers: vec![],
            checksum: None,
        }
    }

    fn names(page: &Page<'_>) -> Vec<String> {
        page.entries
            .iter()
            .map(|e| match e {
                Entry::Object(k, _) => k.to_string(),
                Entry::CommonPrefix(p) => format!("{p}*"),
            })
            .collect()
    }

    #[test]
    fn listing_with_prefix_delimiter_and_markers() {
        let mut s = ObjectStore::new(100, 10_000);
        s.create_bucket("b", "us-east-1", SystemTime::UNIX_EPOCH)
            .unwrap();
        for k in ["a/1", "a/2", "a/x/3", "b", "c/1", "c/2", "d"] {
            s.put("b", k, object(b"x")).unwrap();
        }
        let page = s.list("b", "", Some("/"), None, 1000).unwrap();
        assert_eq!(names(&page), ["a/*", "b", "c/*", "d"]);
        assert!(!page.truncated);
        let page = s.list("b", "", Some("/"), None, 2).unwrap();
        assert_eq!(names(&page), ["a/*", "b"]);
        assert!(page.truncated);
        let after = Marker {
            key: "a/".into(),
            skip_prefix: true,
        };
        let page = s.list("b", "", Some("/"), Some(&after), 1).unwrap();
        assert_eq!(names(&page), ["b"]);
        let page = s.list("b", "a/", Some("/"), None, 1000).unwrap();
        assert_eq!(names(&page), ["a/1", "a/2", "a/x/*"]);
        let page = s.list("b", "a/", None, None, 1000).unwrap();
        assert_eq!(names(&page), ["a/1", "a/2", "a/x/3"]);
        let after = Marker {
            key: "a/2".into(),
            skip_prefix: false,
        };
        let page = s.list("b", "", None, Some(&after), 2).unwrap();
        assert_eq!(names(&page), ["a/x/3", "b"]);
        assert!(page.truncated);
        let page = s.list("b", "", None, None, 0).unwrap();
        assert!(page.entries.is_empty() && page.truncated);
        assert!(s.list("nope", "", None, None, 1).is_err());
    }

    #[test]
    fn limits_and_accounting() {
        let mut s = ObjectStore::new(10, 2 * (OBJECT_OVERHEAD + 11));
        s.create_bucket("b", "us-east-1", SystemTime::UNIX_EPOCH)
            .unwrap();
        assert_eq!(
            s.put("b", "k", object(&[0; 11])),
            Err(StoreError::ObjectTooLarge { size: 11, max: 10 })
        );
        s.put("b", "k", object(&[0; 10])).unwrap();
        s.put("b", "k", object(&[0; 10])).unwrap();
        assert_eq!(s.used(), OBJECT_OVERHEAD + 11);
        s.put("b", "j", object(&[0; 10])).unwrap();
        assert!(matches!(
            s.put("b", "i", object(&[0; 1])),
            Err(StoreError::StoreFull { .. })
        ));
        assert_eq!(s.delete_bucket("b"), Err(StoreError::BucketNotEmpty));
        s.delete("b", "k").unwrap();
        s.delete("b", "k").unwrap();
        s.put("b", "i", object(&[0; 1])).unwrap();
        assert_eq!(s.object_count(), 2);
        assert_eq!(s.put("x", "k", object(b"")), Err(StoreError::NoSuchBucket));
    }
}
