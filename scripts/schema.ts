/**
 * npm run schema
 * Writes schema/stack-config.schema.json, the JSON Schema of Pulumi.<stack>.yaml that editors
 * use to flag mistakes while a user types, generated from the loader's zod schema. Run it
 * after changing config/schema.ts; a unit test fails while the committed file is stale.
 */
import * as fs from "fs";
import * as path from "path";
import { STACK_FILE_SCHEMA_PATH, stackFileJsonSchemaText } from "../config/json-schema";

const file = path.join(process.cwd(), STACK_FILE_SCHEMA_PATH);
fs.mkdirSync(path.dirname(file), { recursive: true });
fs.writeFileSync(file, stackFileJsonSchemaText());
console.log(`wrote ${STACK_FILE_SCHEMA_PATH}`);
