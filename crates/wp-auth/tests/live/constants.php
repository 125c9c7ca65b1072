<?php
// Prints what the site's wp-config.php defined, as WordPress loaded it: the eight salts and
// $table_prefix (hex), one JSON object. Argument 1: the WordPress directory.
$_SERVER['HTTP_HOST'] = 'localhost';
$_SERVER['REQUEST_URI'] = '/';
require rtrim($argv[1], '/') . '/wp-load.php';
$out = ['table_prefix' => bin2hex($GLOBALS['table_prefix'])];
foreach (['AUTH_KEY', 'SECURE_AUTH_KEY', 'LOGGED_IN_KEY', 'NONCE_KEY',
          'AUTH_SALT', 'SECURE_AUTH_SALT', 'LOGGED_IN_SALT', 'NONCE_SALT'] as $name) {
    $out[$name] = bin2hex(constant($name));
}
echo json_encode($out), "\n";
