<?php
// Driver for oracle_wp_config.rs's Docker-image test. Standard input: NAME=VALUE lines (value
// in hex) that become the process environment (putenv), an empty line, then a wp-config.php,
// which PHP includes. Output: the eight salts and $table_prefix as PHP then sees them (hex),
// one JSON object.
$in = fopen('php://stdin', 'r');
while (($line = rtrim((string) fgets($in), "\n")) !== '') {
    [$name, $value] = explode('=', $line, 2);
    putenv($name . '=' . hex2bin($value));
}
$file = tempnam(sys_get_temp_dir(), 'wp-auth-config');
file_put_contents($file, stream_get_contents($in));
include $file;
unlink($file);
$out = ['table_prefix' => bin2hex($table_prefix)];
foreach (['AUTH_KEY', 'SECURE_AUTH_KEY', 'LOGGED_IN_KEY', 'NONCE_KEY',
          'AUTH_SALT', 'SECURE_AUTH_SALT', 'LOGGED_IN_SALT', 'NONCE_SALT'] as $name) {
    $out[$name] = bin2hex(constant($name));
}
echo json_encode($out), "\n";
