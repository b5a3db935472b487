INSERT INTO _chs_demo_build VALUES (?, ?, now()::TIMESTAMP)
