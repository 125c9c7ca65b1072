<?php
// Differential-test driver for tests/oracle_php.rs: PHP's own hash_hmac() for each input line
// "algo key(hex) data(hex)"; output, one line per input: the hex HMAC, or "-" when PHP refuses
// the algorithm.
$in = fopen('php://stdin', 'r');
while (($line = fgets($in)) !== false) {
    [$algo, $key, $data] = explode(' ', rtrim($line, "\n"));
    try {
        echo hash_hmac($algo, hex2bin($data), hex2bin($key)), "\n";
    } catch (ValueError $e) {
        echo "-\n";
    }
}
