<?php
// Prints what the site's database holds for every user, for tests/live_wordpress.rs's store:
// one JSON object with the cookie names and per user its ID, login, e-mail, user_pass and the
// raw session_tokens and _application_passwords meta (hex). Argument 1: the WordPress directory.
$_SERVER['HTTP_HOST'] = 'localhost';
$_SERVER['REQUEST_URI'] = '/';
require rtrim($argv[1], '/') . '/wp-load.php';
global $wpdb;
$raw = function ($id, $key) use ($wpdb) {
    $v = $wpdb->get_var($wpdb->prepare(
        "SELECT meta_value FROM $wpdb->usermeta WHERE user_id = %d AND meta_key = %s", $id, $key));
    return bin2hex($v === null ? '' : $v);
};
$users = [];
foreach (get_users(['fields' => 'all']) as $u) {
    $users[] = ['id' => $u->ID, 'login' => $u->user_login, 'email' => $u->user_email,
        'user_pass' => $u->user_pass, 'session_tokens' => $raw($u->ID, 'session_tokens'),
        'application_passwords' => $raw($u->ID, '_application_passwords')];
}
echo json_encode(['siteurl' => get_option('siteurl'), 'home' => get_option('home'),
    'logged_in_cookie' => LOGGED_IN_COOKIE, 'auth_cookie' => AUTH_COOKIE,
    'secure_auth_cookie' => SECURE_AUTH_COOKIE, 'users' => $users]), "\n";
