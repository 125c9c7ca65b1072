<?php
// Differential-test driver for tests/oracle_php.rs.
//
// 6.1: the installed WordPress's own wp_hash_password() and wp_check_password() (pluggable.php
// with class-phpass.php; no user ID, so no rehash). 6.8+: the decision list of
// wp_check_password() in WordPress 6.8 (shared/spec/wordpress.md 6-D), built from PHP's own
// password_verify(), hash_hmac() and sodium, with the real PasswordHash class for "$P$";
// wp_fast_hash()/wp_verify_fast_hash() likewise (6-E).
//
// Input, one case per line, tab-separated:
//   password(hex) candidates(hex, comma-separated) our_hashes(hex, comma-separated)
//   bcrypt_salt(22 chars) md5crypt_salt sha_salt phpass_H_setting(12 chars)
// Output, one line per case: PHP's hashes (hex, comma-separated), a tab, and for every hash
// (PHP's, then ours) and every candidate the digits (0 or 1) of: 6.1 check, 6.8 check, and,
// for hashes 0, 2, 12, 13 and 17 only, wp_verify_fast_hash. The $2a$/$2x$/$2b$ hashes (3, 4,
// 5), whose strings are compared exactly anyway, are checked with candidates 0 and 2 only.
$wp = rtrim($argv[1], '/') . '/';
define('ABSPATH', $wp);
define('WPINC', 'wp-includes');
require ABSPATH . WPINC . '/plugin.php';
require ABSPATH . WPINC . '/class-phpass.php';
require ABSPATH . WPINC . '/pluggable.php';

function wp68_prehash($password) {
    return base64_encode(hash_hmac('sha384', $password, 'wp-sha384', true));
}
function wp68_check($password, $hash) {
    if (strlen($hash) <= 32) {
        return hash_equals($hash, md5($password));
    }
    if (strlen($password) > 4096) {
        return false;
    }
    if (str_starts_with($hash, '$wp')) {
        return password_verify(wp68_prehash($password), substr($hash, 3));
    }
    if (str_starts_with($hash, '$P$')) {
        $hasher = new PasswordHash(8, true);
        return $hasher->CheckPassword($password, $hash);
    }
    return password_verify($password, $hash);
}
function wp68_fast_hash($message) {
    $h = sodium_crypto_generichash($message, 'wp_fast_hash_6.8+', 30);
    return '$generic$' . sodium_bin2base64($h, SODIUM_BASE64_VARIANT_URLSAFE_NO_PADDING);
}
function wp68_verify_fast_hash($message, $hash) {
    if (!str_starts_with($hash, '$generic$')) {
        $hasher = new PasswordHash(8, true);
        return $hasher->CheckPassword($message, $hash);
    }
    return hash_equals(wp68_fast_hash($message), $hash);
}

$in = fopen('php://stdin', 'r');
$phpass = new PasswordHash(8, true);
while (($line = fgets($in)) !== false) {
    $f = explode("\t", rtrim($line, "\n"));
    $pw = hex2bin($f[0]);
    $candidates = array_map('hex2bin', explode(',', $f[1]));
    $ours = $f[2] === '' ? [] : array_map('hex2bin', explode(',', $f[2]));
    [$bsalt, $msalt, $ssalt, $hsetting] = [$f[3], $f[4], $f[5], $f[6]];
    $small = ['cost' => 4];
    $argon = ['memory_cost' => 256, 'time_cost' => 1, 'threads' => 1];
    $hashes = [
        wp_hash_password($pw),
        '$wp' . password_hash(wp68_prehash(trim($pw)), PASSWORD_BCRYPT, $small),
        // PHP refuses NUL bytes in a bcrypt password_hash() (a ValueError); "*" stands in.
        str_contains($pw, "\0") ? '*' : password_hash($pw, PASSWORD_BCRYPT, $small),
        crypt($pw, '$2a$04$' . $bsalt),
        crypt($pw, '$2x$04$' . $bsalt),
        crypt($pw, '$2b$04$' . $bsalt),
        md5($pw),
        crypt($pw, '$1$' . $msalt),
        crypt($pw, '$5$rounds=1000$' . $ssalt),
        crypt($pw, '$6$rounds=1000$' . $ssalt),
        password_hash($pw, PASSWORD_ARGON2ID, $argon),
        password_hash($pw, PASSWORD_ARGON2I, $argon),
        wp68_fast_hash($pw),
        $phpass->crypt_private($pw, $hsetting),
    ];
    $matrix = '';
    foreach (array_merge($hashes, $ours) as $i => $h) {
        foreach ($candidates as $j => $c) {
            if (in_array($i, [3, 4, 5], true) && $j === 1) {
                continue;
            }
            $matrix .= (wp_check_password($c, $h) ? '1' : '0') . (wp68_check($c, $h) ? '1' : '0');
            if (in_array($i, [0, 2, 12, 13, 17], true)) {
                $matrix .= wp68_verify_fast_hash($c, $h) ? '1' : '0';
            }
        }
    }
    echo implode(',', array_map('bin2hex', $hashes)), "\t", $matrix, "\n";
}
