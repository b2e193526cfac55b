import 'reflect-metadata';
// As src/main.ts does: MikroORM's async stores switch off between writes (src/db/orm-async-context.ts).
import '../../src/db/orm-async-context.js';

// No test may reach the public company register. Whatever the environment says, configuration
// read during tests has the register switched off; a test that wants one starts its own on
// 127.0.0.1 and passes it explicitly (see register-server.ts).
process.env.REGISTRY_ENABLED = 'false';
delete process.env.REGISTRY_URL;
