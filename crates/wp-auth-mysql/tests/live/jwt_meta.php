<?php
// Sets Useful Team's JWT meta with WordPress's own functions, for tests/live_mysql.rs.
// Argument 1: the WordPress directory. Standard input: "user_id<TAB>pass<TAB>device,device…".
$_SERVER['HTTP_HOST'] = 'localhost';
$_SERVER['REQUEST_URI'] = '/';
require rtrim($argv[1], '/') . '/wp-load.php';
[$id, $pass, $devices] = explode("\t", rtrim(fgets(STDIN), "\n"));
update_user_meta((int) $id, 'jwt_auth_pass', $pass);
foreach (explode(',', $devices) as $d) {
    add_user_meta((int) $id, 'jwt_auth_device', $d);
}
echo "ok\n";
