// A workflow block as a graph (@xyflow/react), laid out by elkjs: states with their initial and final marks, tasks and
// gates with roles, due times and escalations, deadlines, transitions labelled with their guards. Positions a person
// dragged are kept in the layout (never in the text); the rest is laid out automatically.
import { Background, Controls, Handle, MarkerType, Position, ReactFlow, applyNodeChanges, type Edge, type Node, type NodeChange, type NodeProps } from "@xyflow/react";
import "@xyflow/react/dist/style.css";
import ELK from "elkjs/lib/elk.bundled.js";
import { useCallback, useEffect, useMemo, useState } from "react";
import type { Graph, StateNode } from "./designerApi";

const elk = new ELK();

export type Positions = Record<string, { x: number; y: number }>;

type StateData = { state: StateNode; selectedTask: string | null; onTask(id: string): void };

function lines(s: StateNode): string[] {
  return s.tasks.map((t) => `${t.gate ? "gate" : "task"} ${t.name}${t.roles.length ? " for " + t.roles.join(" or ") : ""}${t.due ? ", due " + t.due : ""}` +
    t.escalations.map((e) => `, escalate to ${e.role}${e.after ? " after " + e.after : ""}`).join(""));
}

function size(s: StateNode) {
  const texts = [s.name + (s.initial ? " (initial)" : "") + (s.final ? " (final)" : ""), ...lines(s), s.deadline ? `deadline ${s.deadline.duration} -> ${s.deadline.target}` : ""];
  return { width: Math.max(120, Math.max(...texts.map((t) => t.length)) * 7 + 24), height: 30 + (s.tasks.length + (s.deadline ? 1 : 0)) * 18 + 12 };
}

function StateBox({ data, selected }: NodeProps<Node<StateData>>) {
  const s = data.state;
  return (
    <div className={`wf-state${s.initial ? " initial" : ""}${s.final ? " final" : ""}${selected ? " selected" : ""}`} data-testid={`node-${s.name}`}>
      <Handle type="target" position={Position.Top} />
      <div className="wf-name">{s.initial ? <span aria-label="initial">▶ </span> : null}{s.name}{s.final ? <span className="wf-mark"> (final)</span> : null}</div>
      {s.tasks.map((t, i) => (
        <button type="button" key={t.id} className={`wf-task nodrag${data.selectedTask === t.id ? " selected" : ""}`} onClick={(e) => { e.stopPropagation(); data.onTask(t.id); }}>
          {lines(s)[i]}
        </button>
      ))}
      {s.deadline ? <div className="wf-deadline">deadline {s.deadline.duration} → {s.deadline.target}</div> : null}
      <Handle type="source" position={Position.Bottom} />
    </div>
  );
}

const nodeTypes = { state: StateBox };

interface Props {
  graph: Graph;
  selected: string | null;
  positions: Positions;
  onSelect(id: string): void;
  onMoved(state: string, x: number, y: number): void;
}

export function WorkflowView({ graph, selected, positions, onSelect, onMoved }: Props) {
  const [auto, setAuto] = useState<Positions>({});
  // Laid out again when the shape changes (states, transitions, what the boxes hold), not on every keystroke.
  const shape = JSON.stringify([graph.states.map((s) => [s.name, lines(s), s.deadline?.target]), graph.transitions.map((t) => [t.from, t.to])]);
  useEffect(() => {
    let live = true;
    const children = graph.states.map((s) => ({ id: s.name, ...size(s) }));
    const edges = graph.transitions.map((t) => ({ id: t.id, sources: [t.from], targets: [t.to] }))
      .concat(graph.states.filter((s) => s.deadline).map((s) => ({ id: "deadline:" + s.name, sources: [s.name], targets: [s.deadline!.target] })))
      .filter((e) => graph.states.some((s) => s.name === e.targets[0]));
    elk.layout({
      id: graph.name, children, edges,
      layoutOptions: { "elk.algorithm": "layered", "elk.direction": "DOWN", "elk.spacing.nodeNode": "40", "elk.layered.spacing.nodeNodeBetweenLayers": "60", "elk.edgeLabels.inline": "true" },
    }).then((r) => {
      if (!live) return;
      const p: Positions = {};
      for (const c of r.children ?? []) p[c.id] = { x: c.x ?? 0, y: c.y ?? 0 };
      setAuto(p);
    }, () => undefined);
    return () => { live = false; };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [shape]);

  const selectedTask = selected?.startsWith("task:") ? selected : null;
  const derived: Node<StateData>[] = useMemo(() => graph.states.map((s) => ({
    id: s.name,
    type: "state",
    position: positions[s.name] ?? auto[s.name] ?? { x: 0, y: 0 },
    data: { state: s, selectedTask, onTask: onSelect },
    selected: selected === s.id || (selectedTask !== null && s.tasks.some((t) => t.id === selectedTask)),
    ariaLabel: `state ${s.name}`,
  })), [graph, positions, auto, selected, selectedTask, onSelect]);

  // React Flow measures the nodes and moves them while dragged: its changes apply to a copy of the nodes the graph
  // gives, which follows the graph (keeping what was measured) whenever the graph changes.
  // Nodes show once every state has a place (dragged or laid out): before elkjs answers they would all sit at one point.
  const ready = graph.states.every((s) => positions[s.name] || auto[s.name]);
  const [nodes, setNodes] = useState<Node<StateData>[]>([]);
  useEffect(() => {
    if (!ready) return;
    setNodes((old) => {
      const measured = new Map(old.map((n) => [n.id, n.measured]));
      return derived.map((n) => (measured.get(n.id) ? { ...n, measured: measured.get(n.id) } : n));
    });
  }, [derived, ready]);
  const onNodesChange = useCallback((changes: NodeChange<Node<StateData>>[]) => setNodes((ns) => applyNodeChanges(changes, ns)), []);

  const edges: Edge[] = useMemo(() => [
    ...graph.transitions.map((t) => ({
      id: t.id, source: t.from, target: t.to, label: t.guard ?? undefined, selected: selected === t.id,
      markerEnd: { type: MarkerType.ArrowClosed }, className: selected === t.id ? "wf-edge selected" : "wf-edge",
      ariaLabel: `transition ${t.from} to ${t.to}${t.guard ? " when " + t.guard : ""}`,
    })),
    ...graph.states.filter((s) => s.deadline && graph.states.some((x) => x.name === s.deadline!.target)).map((s) => ({
      id: "deadline:" + s.name, source: s.name, target: s.deadline!.target, label: "after " + s.deadline!.duration,
      markerEnd: { type: MarkerType.ArrowClosed }, style: { strokeDasharray: "5 4" },
    })),
  ], [graph, selected]);

  return (
    <div className="wf-canvas" role="figure" aria-label={`Workflow ${graph.name} as a graph`} data-laid-out={ready && nodes.length === graph.states.length ? "true" : "false"}>
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodesChange={onNodesChange}
        fitView
        minZoom={0.2}
        nodesConnectable={false}
        onNodeClick={(_, n) => onSelect("state:" + n.id)}
        onEdgeClick={(_, e) => { if (!e.id.startsWith("deadline:")) onSelect(e.id); }}
        onNodeDragStop={(_, n) => onMoved(n.id, n.position.x, n.position.y)}
        proOptions={{ hideAttribution: true }}
      >
        <Background />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}
