<?php
// Mints credentials with the installed WordPress's own functions, for tests/live_wordpress.rs.
// Argument 1: the WordPress directory (its wp-config.php points at the test database).
// Standard input: one user per line, tab-separated:
//   login  email  account_password  sessions  app_passwords
// where sessions is a comma-separated list of "expiration_offset:destroy(0|1)" and
// app_passwords a comma-separated list of "revoke(0|1)". Standard output: one JSON object per
// user with what WordPress stored (user_pass, the raw session_tokens and _application_passwords
// meta) and minted (per session: token, cookies for every scheme at the session's expiration
// and two expired ones (beyond and inside the POST grace period), the wp_rest nonce of the user and of a logged-out visitor with that
// cookie; per application password: the password, its uuid, whether it was revoked).
$_SERVER['HTTP_HOST'] = 'localhost';
$_SERVER['REQUEST_URI'] = '/';
require rtrim($argv[1], '/') . '/wp-load.php';

function raw_meta($user_id, $key) {
    global $wpdb;
    $v = $wpdb->get_var($wpdb->prepare(
        "SELECT meta_value FROM $wpdb->usermeta WHERE user_id = %d AND meta_key = %s", $user_id, $key));
    return $v === null ? '' : $v;
}

$now = time();
$out = [];
while (($line = fgets(STDIN)) !== false) {
    $f = explode("\t", rtrim($line, "\n"));
    [$login, $email, $password, $sessions, $apps] = $f;
    $id = wp_insert_user(['user_login' => $login, 'user_email' => $email, 'user_pass' => $password, 'role' => 'subscriber']);
    if (is_wp_error($id)) {
        fwrite(STDERR, "wp_insert_user($login): " . $id->get_error_message() . "\n");
        exit(1);
    }
    $manager = WP_Session_Tokens::get_instance($id);
    $minted_sessions = [];
    foreach ($sessions === '' ? [] : explode(',', $sessions) as $s) {
        [$offset, $destroy] = explode(':', $s);
        $expiration = $now + (int) $offset;
        $token = $manager->create($expiration);
        $cookies = [];
        foreach (['auth', 'secure_auth', 'logged_in'] as $scheme) {
            $cookies[$scheme] = wp_generate_auth_cookie($id, $expiration, $scheme, $token);
        }
        $expired = wp_generate_auth_cookie($id, $now - 7200, 'logged_in', $token);
        // Expired half an hour ago: inside the POST grace period.
        $grace = wp_generate_auth_cookie($id, $now - 1800, 'logged_in', $token);
        $_COOKIE[LOGGED_IN_COOKIE] = $cookies['logged_in'];
        wp_set_current_user($id);
        $nonce = wp_create_nonce('wp_rest');
        wp_set_current_user(0);
        $anon_nonce = wp_create_nonce('wp_rest');
        unset($_COOKIE[LOGGED_IN_COOKIE]);
        if ($destroy === '1') {
            $manager->destroy($token);
        }
        $minted_sessions[] = ['token' => $token, 'expiration' => $expiration, 'cookies' => $cookies,
            'expired_logged_in' => $expired, 'grace_logged_in' => $grace, 'nonce' => $nonce, 'anon_nonce' => $anon_nonce,
            'destroyed' => $destroy === '1'];
    }
    $minted_apps = [];
    foreach ($apps === '' ? [] : explode(',', $apps) as $revoke) {
        [$pw, $item] = WP_Application_Passwords::create_new_application_password($id, ['name' => 'app' . count($minted_apps)]);
        if ($revoke === '1') {
            WP_Application_Passwords::delete_application_password($id, $item['uuid']);
        }
        $minted_apps[] = ['password' => $pw, 'uuid' => $item['uuid'], 'revoked' => $revoke === '1'];
    }
    $user = get_userdata($id);
    $out[] = ['id' => $id, 'login' => $login, 'email' => $email, 'user_pass' => $user->user_pass,
        'account_password' => $password,
        'session_tokens' => bin2hex(raw_meta($id, 'session_tokens')),
        'application_passwords' => bin2hex(raw_meta($id, '_application_passwords')),
        'sessions' => $minted_sessions, 'apps' => $minted_apps];
}
echo json_encode(['now' => $now, 'siteurl' => get_option('siteurl'), 'home' => get_option('home'),
    'logged_in_cookie' => LOGGED_IN_COOKIE, 'auth_cookie' => AUTH_COOKIE,
    'secure_auth_cookie' => SECURE_AUTH_COOKIE, 'users' => $out]), "\n";
