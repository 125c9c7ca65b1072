<?php
// Differential-test driver for tests/oracle_php.rs. It calls the installed WordPress's own
// wp_nonce_tick(), wp_create_nonce() and wp_verify_nonce() (pluggable.php) and supplies only
// the request context they read: the current user, the session token, the clock (uopz) and
// the nonce_life filter. Input, on stdin: a first line "NONCE_KEY<TAB>NONCE_SALT" (hex), then
// one case per line: kind(s|i) action uid token(hex) life time checks, where checks is a
// comma-separated list of time:nonce(hex). Output: one line per case, tick nonce results.
$wp = rtrim($argv[1], '/') . '/';
define('ABSPATH', $wp);
define('WPINC', 'wp-includes');
define('DAY_IN_SECONDS', 86400);
$in = fopen('php://stdin', 'r');
[$key, $salt] = explode("\t", rtrim(fgets($in), "\n"));
define('NONCE_KEY', hex2bin($key));
define('NONCE_SALT', hex2bin($salt));

require ABSPATH . WPINC . '/plugin.php';
if (!function_exists('__')) {
    function __($text) { return $text; }
}
function wp_get_current_user() { return (object) ['ID' => $GLOBALS['oracle_uid']]; }
function wp_get_session_token() { return $GLOBALS['oracle_token']; }
require ABSPATH . WPINC . '/pluggable.php';
add_filter('nonce_life', function () { return $GLOBALS['oracle_life']; });

while (($line = fgets($in)) !== false) {
    $f = explode("\t", rtrim($line, "\n"));
    $action = $f[0] === 'i' ? (int) $f[1] : hex2bin($f[1]);
    $GLOBALS['oracle_uid'] = (int) $f[2];
    $GLOBALS['oracle_token'] = hex2bin($f[3]);
    $GLOBALS['oracle_life'] = (int) $f[4];
    uopz_set_return('time', (int) $f[5]);
    $tick = wp_nonce_tick($action);
    $nonce = wp_create_nonce($action);
    $results = [];
    foreach ($f[6] === '' ? [] : explode(',', $f[6]) as $check) {
        [$time, $candidate] = explode(':', $check);
        uopz_set_return('time', (int) $time);
        $r = wp_verify_nonce(hex2bin($candidate), $action);
        $results[] = $r === false ? '0' : (string) $r;
    }
    echo $tick, "\t", $nonce, "\t", implode(',', $results), "\n";
}
