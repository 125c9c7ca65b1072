<?php
// Differential-test driver for tests/oracle_unserialize.rs: PHP's own unserialize() (with the
// php.ini default unserialize_max_depth) on each input line (hex). Output, one line per input:
// 1 when PHP reads a value, 0 when it refuses the input.
$in = fopen('php://stdin', 'r');
while (($line = fgets($in)) !== false) {
    $s = hex2bin(rtrim($line, "\n"));
    $r = @unserialize($s);
    echo ($r !== false || $s === serialize(false)) ? "1\n" : "0\n";
}
