<?php
// Differential-test driver for tests/oracle_php_input.rs: PHP's own parse_str() (the reading
// that fills $_GET and $_POST) on one hex-encoded query string per input line. Output, one
// line per input: every leaf as name(hex):value(hex), comma-separated, in PHP's array order,
// where a nested name is written top[k1][k2].
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
$in = fopen('php://stdin', 'r');
while (($line = fgets($in)) !== false) {
    $result = [];
    parse_str(hex2bin(rtrim($line, "\n")), $result);
    echo implode(',', oracle_flat($result, null)), "\n";
}
