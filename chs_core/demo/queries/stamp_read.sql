SELECT generator_version, params FROM _chs_demo_build LIMIT 1
