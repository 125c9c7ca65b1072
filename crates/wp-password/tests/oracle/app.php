<?php
// Differential-test driver for tests/oracle_app.rs: the installed WordPress's own
// wp_populate_basic_auth_from_authorization_header() and is_ssl() (load.php), is_email()
// (formatting.php) and WP_Application_Passwords::chunk_password(). Input, one case per line:
// a kind and hex-encoded arguments, tab-separated:
//   header <HTTP_AUTHORIZATION or "-"> <REDIRECT_HTTP_AUTHORIZATION or "-">
//   email <string>     chunk <string>     ssl <HTTPS or "-"> <SERVER_PORT or "-">
// Output, one line per case: header -> PHP_AUTH_USER and PHP_AUTH_PW, each "U" (unset),
// "N" (null) or "S" + hex; email -> 1/0; chunk -> hex; ssl -> 1/0.
ini_set('display_errors', 'stderr');
$wp = rtrim($argv[1], '/') . '/';
define('ABSPATH', $wp);
define('WPINC', 'wp-includes');
require ABSPATH . WPINC . '/plugin.php';
require ABSPATH . WPINC . '/load.php';
require ABSPATH . WPINC . '/formatting.php';
require ABSPATH . WPINC . '/class-wp-application-passwords.php';
function oracle_arg($h) { return $h === '-' ? null : hex2bin($h); }
function oracle_state($key) {
    if (!array_key_exists($key, $_SERVER)) { return 'U'; }
    return $_SERVER[$key] === null ? 'N' : 'S' . bin2hex($_SERVER[$key]);
}
$in = fopen('php://stdin', 'r');
while (($line = fgets($in)) !== false) {
    $f = explode("\t", rtrim($line, "\n"));
    switch ($f[0]) {
        case 'header':
            foreach (['HTTP_AUTHORIZATION', 'REDIRECT_HTTP_AUTHORIZATION', 'PHP_AUTH_USER', 'PHP_AUTH_PW'] as $k) {
                unset($_SERVER[$k]);
            }
            foreach ([1 => 'HTTP_AUTHORIZATION', 2 => 'REDIRECT_HTTP_AUTHORIZATION'] as $i => $k) {
                $v = oracle_arg($f[$i]);
                if ($v !== null) { $_SERVER[$k] = $v; }
            }
            wp_populate_basic_auth_from_authorization_header();
            echo oracle_state('PHP_AUTH_USER'), ' ', oracle_state('PHP_AUTH_PW'), "\n";
            break;
        case 'email':
            echo is_email(hex2bin($f[1])) === false ? '0' : '1', "\n";
            break;
        case 'chunk':
            echo bin2hex(WP_Application_Passwords::chunk_password(hex2bin($f[1]))), "\n";
            break;
        case 'ssl':
            unset($_SERVER['HTTPS'], $_SERVER['SERVER_PORT']);
            $https = oracle_arg($f[1]);
            $port = oracle_arg($f[2]);
            if ($https !== null) { $_SERVER['HTTPS'] = $https; }
            if ($port !== null) { $_SERVER['SERVER_PORT'] = $port; }
            echo is_ssl() ? '1' : '0', "\n";
            break;
    }
}
