<?php
// Differential-test driver for tests/oracle_php.rs. It calls the installed WordPress's own
// wp_generate_auth_cookie() and wp_validate_auth_cookie() (pluggable.php) with the real
// WP_Session_Tokens / WP_User_Meta_Session_Tokens classes; only storage and the request are
// supplied here: the one user, the session_tokens user meta, the clock (uopz), the request
// method and wp_doing_ajax(). Input on stdin: a first line with the eight salt constants and
// SECRET_KEY (hex, tab-separated, in the order below), then one case per line:
//   user_id login(hex) user_pass(hex) expiration token(hex) scheme checks
// where checks is a comma-separated list of cookie(hex):time:method:ajax(0|1):session, and
// session is the stored session's expiration or "-" for none. Output, one line per case:
// the generated cookie (hex), a tab, and per check "reason:result:grace".
$wp = rtrim($argv[1], '/') . '/';
define('ABSPATH', $wp);
define('WPINC', 'wp-includes');
define('HOUR_IN_SECONDS', 3600);
$in = fopen('php://stdin', 'r');
$salts = explode("\t", rtrim(fgets($in), "\n"));
$names = ['AUTH_KEY', 'AUTH_SALT', 'SECURE_AUTH_KEY', 'SECURE_AUTH_SALT',
          'LOGGED_IN_KEY', 'LOGGED_IN_SALT', 'NONCE_KEY', 'NONCE_SALT', 'SECRET_KEY'];
foreach ($names as $i => $name) {
    define($name, hex2bin($salts[$i]));
}

require ABSPATH . WPINC . '/plugin.php';
if (!function_exists('__')) {
    function __($text) { return $text; }
}
function oracle_user() {
    $u = $GLOBALS['oracle_user'];
    return (object) ['ID' => $u['ID'], 'user_login' => $u['login'], 'user_pass' => $u['pass']];
}
function get_userdata($id) { return $id === $GLOBALS['oracle_user']['ID'] ? oracle_user() : false; }
function get_user_by($field, $value) {
    return ($field === 'login' && $value === $GLOBALS['oracle_user']['login']) ? oracle_user() : false;
}
function get_user_meta($id, $key, $single) { return $GLOBALS['oracle_meta']; }
function update_user_meta($id, $key, $value) { $GLOBALS['oracle_meta'] = $value; return true; }
function delete_user_meta($id, $key) { $GLOBALS['oracle_meta'] = ''; return true; }
function wp_doing_ajax() { return $GLOBALS['oracle_ajax']; }
require ABSPATH . WPINC . '/class-wp-session-tokens.php';
require ABSPATH . WPINC . '/class-wp-user-meta-session-tokens.php';
require ABSPATH . WPINC . '/pluggable.php';

foreach (['malformed', 'expired', 'bad_username', 'bad_hash', 'bad_session_token', 'valid'] as $r) {
    add_action("auth_cookie_$r", function () use ($r) { $GLOBALS['oracle_reason'] = $r; });
}

while (($line = fgets($in)) !== false) {
    $f = explode("\t", rtrim($line, "\n"));
    $GLOBALS['oracle_user'] = ['ID' => (int) $f[0], 'login' => hex2bin($f[1]), 'pass' => hex2bin($f[2])];
    $token = hex2bin($f[4]);
    $cookie = wp_generate_auth_cookie((int) $f[0], (int) $f[3], $f[5], $token);
    $results = [];
    foreach ($f[6] === '' ? [] : explode(',', $f[6]) as $check) {
        [$c, $time, $method, $ajax, $session] = explode(':', $check);
        $c = hex2bin($c);
        uopz_set_return('time', (int) $time);
        $_SERVER['REQUEST_METHOD'] = $method;
        $GLOBALS['oracle_ajax'] = $ajax === '1';
        $GLOBALS['oracle_meta'] = '';
        if ($session !== '-') {
            $parts = explode('|', $c);
            $verifier = hash('sha256', $parts[2] ?? '');
            $GLOBALS['oracle_meta'] = [$verifier => ['expiration' => (int) $session]];
        }
        $GLOBALS['oracle_reason'] = 'none';
        unset($GLOBALS['login_grace_period']);
        try {
            $r = wp_validate_auth_cookie($c, $f[5]);
            $results[] = $GLOBALS['oracle_reason'] . ':' . ($r === false ? 'false' : $r) . ':'
                . (empty($GLOBALS['login_grace_period']) ? '0' : '1');
        } catch (TypeError $e) {
            $results[] = 'typeerror:false:0';
        }
    }
    echo bin2hex($cookie), "\t", implode(',', $results), "\n";
}
