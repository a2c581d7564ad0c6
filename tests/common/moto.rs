//! moto (an independent implementation of Cognito and STS) on a free loopback port, stopped when
//! dropped; and its set-up scripts (tests/moto/*.py, run with boto3 against it).

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Moto {
    child: Child,
    pub url: String,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub fn start(venv: &Path) -> Moto {
    let port = free_port();
    let child = Command::new(venv.join("bin/moto_server"))
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start moto_server");
    let moto = Moto {
        child,
        url: format!("http://127.0.0.1:{port}"),
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "moto did not start within 60 s");
        std::thread::sleep(Duration::from_millis(100));
    }
    moto
}

/// Runs `tests/moto/<script>` against `moto` and returns the JSON it prints.
pub fn set_up(venv: &Path, moto: &Moto, script: &str) -> serde_json::Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/moto")
        .join(script);
    let out = Command::new(venv.join("bin/python"))
        .arg(path)
        .arg(&moto.url)
        .stderr(Stdio::inherit())
        .output()
        .unwrap();
    assert!(out.status.success(), "{script} against moto failed");
    serde_json::from_slice(&out.stdout).unwrap()
}
