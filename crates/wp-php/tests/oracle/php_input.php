<?php
// Driver for tests/oracle_php_input.rs. Prints PHP's own reading of request parameters as
// leaves name(hex):value(hex), comma-separated, in PHP's array order (nested names written
// top[k1][k2]):
// - from the command line: parse_str() (the reading that fills $_GET and $_POST) of each
//   hex-encoded query string on standard input, one output line per input line;
// - as the router of PHP's built-in web server (`php -S`): the $_POST that PHP's
//   multipart/form-data handler built for the request.
function oracle_flat($arr, $prefix) {
    $out = [];
    foreach ($arr as $k => $v) {
        $name = $prefix === null ? (string) $k : $prefix . '[' . $k . ']';
        if (is_array($v)) {
            $out = array_merge($out, oracle_flat($v, $name));
        } else {
            $out[] = bin2hex($name) . ':' . bin2hex($v);
        }
    }
    return $out;
}
if (PHP_SAPI === 'cli-server') {
    echo implode(',', oracle_flat($_POST, null));
    return;
}
$in = fopen('php://stdin', 'r');
while (($line = fgets($in)) !== false) {
    $result = [];
    parse_str(hex2bin(rtrim($line, "\n")), $result);
    echo implode(',', oracle_flat($result, null)), "\n";
}
