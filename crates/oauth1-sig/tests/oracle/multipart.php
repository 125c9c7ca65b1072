<?php
// Router for tests/oracle_php_input.rs under PHP's built-in server (`php -S`): prints the
// $_POST that PHP's own multipart/form-data handler built, as name(hex):value(hex) leaves,
// comma-separated, in PHP's array order (nested names as top[k1][k2]).
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
echo implode(',', oracle_flat($_POST, null));
