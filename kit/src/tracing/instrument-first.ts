// Imported first by each of the kit's entry points (index.ts, nats.ts, mongo.ts), before anything loads the MongoDB
// driver: the one read of the environment outside a composition root, because module hooks can only be set before
// the modules load (auto-instrumentation.ts). It reads only whether tracing is configured.
import { instrumentModulesWhenTracing } from './auto-instrumentation';

instrumentModulesWhenTracing(process.env);
