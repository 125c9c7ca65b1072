<?php
// Differential-test driver for tests/oracle_wp_config.rs: each input line is one hex-encoded
// wp-config.php; PHP includes it (in a fresh child process, as its constants cannot be
// undefined) and prints, per file, one line: the eight salt constants and $table_prefix, each
// hex-encoded, "-" when not a defined string, separated by spaces.
$names = ['AUTH_KEY', 'SECURE_AUTH_KEY', 'LOGGED_IN_KEY', 'NONCE_KEY',
          'AUTH_SALT', 'SECURE_AUTH_SALT', 'LOGGED_IN_SALT', 'NONCE_SALT'];
if (isset($argv[2])) {
    // The child: include one file and report.
    include $argv[2];
    $out = [];
    foreach ($names as $n) {
        $out[] = defined($n) && is_string(constant($n)) ? bin2hex(constant($n)) : '-';
    }
    $out[] = isset($table_prefix) && is_string($table_prefix) ? bin2hex($table_prefix) : '-';
    echo implode(' ', $out), "\n";
    exit(0);
}
$in = fopen('php://stdin', 'r');
$file = tempnam(sys_get_temp_dir(), 'wpcfg');
while (($line = fgets($in)) !== false) {
    file_put_contents($file, hex2bin(rtrim($line, "\n")));
    $cmd = escapeshellarg(PHP_BINARY) . ' -d error_reporting=0 ' . escapeshellarg(__FILE__)
        . ' ' . escapeshellarg($argv[1]) . ' ' . escapeshellarg($file) . ' < /dev/null';
    $res = shell_exec($cmd);
    echo $res === null || $res === false || $res === '' ? "error\n" : $res;
}
unlink($file);
