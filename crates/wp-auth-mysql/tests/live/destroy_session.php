<?php
// Logs a session out with WordPress's own function, for tests/live_mysql.rs.
// Argument 1: the WordPress directory. Standard input: "user_id<TAB>token".
$_SERVER['HTTP_HOST'] = 'localhost';
$_SERVER['REQUEST_URI'] = '/';
require rtrim($argv[1], '/') . '/wp-load.php';
[$id, $token] = explode("\t", rtrim(fgets(STDIN), "\n"));
WP_Session_Tokens::get_instance((int) $id)->destroy($token);
echo "ok\n";
