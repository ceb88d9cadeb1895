import { pluginMain } from './main.js';

process.exitCode = await pluginMain(process.argv.slice(2));
