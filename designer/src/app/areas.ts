import { designerArea } from "../designer/area";
import { workbenchArea } from "../workbench/area";
import type { Area } from "./area";

/** Every area of the app, in navigation order. */
export const areas: Area[] = [workbenchArea, designerArea];
