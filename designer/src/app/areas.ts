import { workbenchArea } from "../workbench/area";
import type { Area } from "./area";

/** Every area of the app, in navigation order. The designer adds its area here. */
export const areas: Area[] = [workbenchArea];
