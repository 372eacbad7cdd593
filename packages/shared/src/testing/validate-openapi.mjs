// Reads an OpenAPI document (JSON) on stdin, prints @seriousme/openapi-schema-validator's verdict as
// JSON. A script of its own because the validator is an ES module, which jest's CommonJS runtime cannot load.
import process from 'node:process';
import { Validator } from '@seriousme/openapi-schema-validator';

let input = '';
process.stdin.setEncoding('utf8');
for await (const chunk of process.stdin) input += chunk;
const validator = new Validator();
const result = await validator.validate(JSON.parse(input));
process.stdout.write(JSON.stringify({ version: validator.version, ...result }));
