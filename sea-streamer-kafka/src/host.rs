//! The id of this host, which names the consumer group of Resumable consumers.

use std::{env, fs};

/// The id of this host, in order of preference: the `HOST_ID` environment variable; the container
/// id when running in a container (cgroup v1 or v2); the MAC address; the host name; else
/// `"unknown-host"`. Never panics.
pub fn host_id() -> String {
    if let Ok(id) = env::var("HOST_ID") {
        if !id.trim().is_empty() {
            return id.trim().to_owned();
        }
    }
    let cgroup = fs::read_to_string("/proc/self/cgroup").unwrap_or_default();
    let mountinfo = fs::read_to_string("/proc/self/mountinfo").unwrap_or_default();
    if let Some(id) = container_id(&cgroup, &mountinfo) {
        return id;
    }
    if let Ok(Some(mac)) = mac_address::get_mac_address() {
        return mac.to_string().replace(':', "");
    }
    let name = env::var("HOSTNAME")
        .ok()
        .or_else(|| fs::read_to_string("/proc/sys/kernel/hostname").ok())
        .or_else(|| fs::read_to_string("/etc/hostname").ok())
        .map(|s| s.trim().to_owned())
        .unwrap_or_default();
    if name.is_empty() {
        "unknown-host".to_owned()
    } else {
        name
    }
}

/// A 64-hex-digit container id in the cgroup (v1: `/docker/<id>`, `/kubepods/.../<id>`,
/// `docker-<id>.scope`) or, for cgroup v2, in the mount table (`/containers/<id>/`).
fn container_id(cgroup: &str, mountinfo: &str) -> Option<String> {
    let is_id = |s: &str| s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit());
    let from_path = |path: &str| {
        path.split(['/', '-', '.', ':'])
            .rev()
            .find(|part| is_id(part))
            .map(str::to_owned)
    };
    cgroup
        .lines()
        .filter_map(|line| line.rsplit(':').next())
        .find_map(from_path)
        .or_else(|| {
            mountinfo
                .lines()
                .flat_map(|line| line.split(' '))
                .filter(|field| field.contains("/containers/"))
                .find_map(|field| {
                    let after = field.split("/containers/").nth(1)?;
                    let id = after.split('/').next()?;
                    is_id(id).then(|| id.to_owned())
                })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "3f6a1c2b9d8e7f60112233445566778899aabbccddeeff00112233445566aabb";

    #[test]
    fn container_ids_from_cgroup_v1_and_v2() {
        let v1 = format!("12:pids:/docker/{ID}\n11:cpu:/docker/{ID}\n");
        assert_eq!(container_id(&v1, ""), Some(ID.to_owned()));
        let systemd = format!("0::/system.slice/docker-{ID}.scope\n");
        assert_eq!(container_id(&systemd, ""), Some(ID.to_owned()));
        let v2 = format!(
            "1234 567 0:31 /var/lib/docker/containers/{ID}/hostname /etc/hostname rw - ext4 /dev/vda rw\n"
        );
        assert_eq!(container_id("0::/\n", &v2), Some(ID.to_owned()));
        assert_eq!(
            container_id("0::/\n", "1 2 0:1 / / rw - ext4 /dev/vda rw\n"),
            None
        );
        assert_eq!(container_id("", ""), None);
    }

    #[test]
    fn host_id_never_panics_and_is_not_empty() {
        assert!(!host_id().is_empty());
    }
}
