//! argon2id with the OWASP parameters (m = 19456 KiB, t = 2, p = 1).
//!
//! Hashing is CPU- and memory-heavy (~19 MiB each), so callers run it on a blocking
//! thread and the web layer bounds how many run at once.

use std::cell::RefCell;
use std::sync::OnceLock;

use argon2::password_hash::{
    Output, ParamsString, PasswordHash, Salt, SaltString, rand_core::OsRng,
};
use argon2::{Algorithm, Argon2, Block, Params, Version};

/// The OWASP parameters every new hash gets.
fn owasp_params() -> Params {
    // Params::new only fails for out-of-range values; these are the OWASP constants.
    Params::new(19_456, 2, 1, None).unwrap_or_default()
}

thread_local! {
    /// This thread's argon2 working memory (19 MiB), allocated at its first hash and
    /// kept. Allocating and freeing it per hash (what `PasswordHasher` does) made glibc
    /// raise its mmap and trim thresholds to that size, after which no thread's arena
    /// gave freed memory back: the server's RSS only ever grew. Kept, it is one fixed
    /// block per hashing thread (see `web::hashing_pool`).
    static MEMORY: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct HashError(String);

/// The argon2 output for `password` and `salt` under `argon`'s parameters.
fn compute(argon: &Argon2<'_>, password: &[u8], salt: Salt<'_>) -> Result<Output, HashError> {
    let err = |e: &dyn std::fmt::Display| HashError(e.to_string());
    let mut salt_buf = [0_u8; 64];
    let salt_bytes = salt.decode_b64(&mut salt_buf).map_err(|e| err(&e))?;
    let params = argon.params();
    let len = params.output_len().unwrap_or(Params::DEFAULT_OUTPUT_LEN);
    let blocks = params.block_count();
    let fill = |memory: &mut [Block]| {
        Output::init_with(len, |out| {
            argon
                .hash_password_into_with_memory(password, salt_bytes, out, &mut *memory)
                .map_err(Into::into)
        })
        .map_err(|e| err(&e))
    };
    if blocks > owasp_params().block_count() {
        // A stored hash with a higher memory cost than ours (made elsewhere): hash it
        // with memory of its own rather than grow the kept block.
        return fill(&mut vec![Block::default(); blocks]);
    }
    MEMORY.with_borrow_mut(|memory| {
        if memory.len() < blocks {
            *memory = vec![Block::default(); owasp_params().block_count()];
        }
        // Every block is written before it is read, so what an earlier hash left in
        // the memory does not change the result (the tests check it against argon2's
        // own allocating path).
        fill(&mut memory[..blocks])
    })
}

pub fn hash(password: &str) -> Result<String, HashError> {
    let salt = SaltString::generate(&mut OsRng);
    let params = owasp_params();
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    let output = compute(&argon, password.as_bytes(), salt.as_salt())?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).map_err(|e| HashError(e.to_string()))?,
        salt: Some(salt.as_salt()),
        hash: Some(output),
    };
    Ok(phc.to_string())
}

/// True when `password` matches the stored PHC string. A malformed stored hash is a
/// mismatch, never a panic.
pub fn verify(stored: &str, password: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(stored) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return false;
    };
    let (Ok(algorithm), Ok(params)) = (
        Algorithm::try_from(parsed.algorithm),
        Params::try_from(&parsed),
    ) else {
        return false;
    };
    let version = match parsed.version.map(Version::try_from) {
        None => Version::default(),
        Some(Ok(v)) => v,
        Some(Err(_)) => return false,
    };
    let argon = Argon2::new(algorithm, version, params);
    // `Output`'s equality is constant-time.
    compute(&argon, password.as_bytes(), salt).is_ok_and(|computed| computed == expected)
}

/// Verifies against a hash of a random password, so an unknown email costs the same
/// time as a known one and the answer reveals nothing.
pub fn verify_dummy(password: &str) -> bool {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let stored = DUMMY.get_or_init(|| {
        let (random, _) = super::token::new_token();
        hash(&random).unwrap_or_default()
    });
    let _ = verify(stored, password);
    false
}

#[cfg(test)]
mod tests {
    use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

    fn argon2_crate() -> argon2::Argon2<'static> {
        argon2::Argon2::new(
            argon2::Algorithm::Argon2id,
            argon2::Version::V0x13,
            super::owasp_params(),
        )
    }

    /// The kept working memory gives the same hashes as argon2's own allocating path,
    /// both ways and several times over on one thread (the memory reused, dirty).
    #[test]
    fn the_kept_memory_hashes_as_argon2_itself_does() {
        for (i, pw) in ["violet tractor sandwich", "", "ünïcode pässwörd 🙂", "x"]
            .iter()
            .enumerate()
        {
            let ours = super::hash(pw).unwrap();
            let parsed = PasswordHash::new(&ours).unwrap();
            assert!(
                argon2_crate()
                    .verify_password(pw.as_bytes(), &parsed)
                    .is_ok(),
                "{i}"
            );
            let salt = SaltString::encode_b64(&[i as u8 + 1; 16]).unwrap();
            let theirs = argon2_crate()
                .hash_password(pw.as_bytes(), &salt)
                .unwrap()
                .to_string();
            assert!(super::verify(&theirs, pw), "{i}");
            assert!(!super::verify(&theirs, "wrong"), "{i}");
        }
        // A hash with other parameters (lower and higher memory, argon2i) still verifies.
        for (alg, m) in [
            (argon2::Algorithm::Argon2id, 8_192),
            (argon2::Algorithm::Argon2i, 32_768),
        ] {
            let params = argon2::Params::new(m, 1, 1, None).unwrap();
            let a = argon2::Argon2::new(alg, argon2::Version::V0x13, params);
            let salt = SaltString::encode_b64(b"0123456789abcdef").unwrap();
            let h = a
                .hash_password(b"hunter42 hunter42", &salt)
                .unwrap()
                .to_string();
            assert!(super::verify(&h, "hunter42 hunter42"), "{h}");
            assert!(!super::verify(&h, "hunter42"), "{h}");
        }
    }

    #[test]
    fn hashes_with_owasp_parameters_and_verifies() {
        let h = super::hash("violet tractor sandwich").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(super::verify(&h, "violet tractor sandwich"));
        assert!(!super::verify(&h, "violet tractor sandwicH"));
        assert!(!super::verify("not a hash", "x"));
    }
}
