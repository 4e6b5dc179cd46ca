using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Antlr4.Runtime;
using Antlr4.Runtime.Tree;
using ProtocolEngine.Language.Diagnostics;
using ProtocolEngine.Language.Syntax;
using ProtocolEngine.Language.Text;
using P = ProtocolEngine.Language.Parsing.Generated.ProtocolParser;

namespace ProtocolEngine.Language.Parsing;

/// <summary>
/// Builds immutable syntax records from the ANTLR parse tree: one method per labelled alternative, with the
/// alternative written above it. After a syntax error the tree has holes; every hole becomes a placeholder
/// (<see cref="MissingExpressionSyntax"/>, an empty identifier) so binding can still report the other errors.
/// </summary>
internal sealed class SyntaxBuilder(SourceText source, List<Diagnostic> diagnostics, int maxDepth)
{
    private int _depth;

    // ---------------------------------------------------------------- files and header

    public ProtocolFileSyntax BuildFile(P.ProtocolFileContext ctx)
    {
        var header = ctx.header() is { } h ? Header(h) : null;
        var declarations = ctx.declaration().Select(Declaration).OfType<DeclarationSyntax>().ToImmutableArray();
        return new ProtocolFileSyntax(new TextSpan(0, source.Text.Length), header, declarations);
    }

    public ExpressionSyntax BuildExpressionFile(P.ExpressionFileContext ctx) => Expr(ctx.expression(), "here");

    // header : kind=('protocol' | 'library') qualifiedName versionClause? headerItem*
    private HeaderSyntax Header(P.HeaderContext ctx)
    {
        StringSyntax? title = null, sponsor = null, indication = null, modelVersion = null;
        string? phase = null;
        IdentifierSyntax? model = null;
        var cites = ImmutableArray.CreateBuilder<StringSyntax>();
        foreach (var item in ctx.headerItem())
        {
            switch (item)
            {
                // 'title' STRING  #titleItem
                case P.TitleItemContext t:
                    Once(ref title, Str(t.STRING()), t, "title");
                    break;
                // 'phase' (INTEGER | STRING)  #phaseItem
                case P.PhaseItemContext p:
                    if (phase is not null) diagnostics.Add(DiagnosticCatalog.DuplicateHeaderItem(Span(p), "phase"));
                    phase = p.INTEGER()?.GetText() ?? (p.STRING() is { } ps ? Str(ps).Value : null);
                    break;
                // 'data' identifier STRING  #dataModelItem
                case P.DataModelItemContext d:
                    if (model is not null) diagnostics.Add(DiagnosticCatalog.DuplicateHeaderItem(Span(d), "data"));
                    model = Ident(d.identifier(), d);
                    modelVersion = Str(d.STRING());
                    break;
                // 'sponsor' STRING  #sponsorItem
                case P.SponsorItemContext s:
                    Once(ref sponsor, Str(s.STRING()), s, "sponsor");
                    break;
                // 'indication' STRING  #indicationItem
                case P.IndicationItemContext i:
                    Once(ref indication, Str(i.STRING()), i, "indication");
                    break;
                // 'cites' STRING  #citesItem
                case P.CitesItemContext c:
                    cites.Add(Str(c.STRING()));
                    break;
            }
        }
        var version = ctx.versionClause();
        return new HeaderSyntax(
            Span(ctx),
            ctx.kind?.Text == "library",
            QualifiedName(ctx.qualifiedName(), ctx),
            version?.STRING(0) is { } v ? Str(v) : null,
            version?.STRING(1) is { } a ? Str(a) : null,
            title, phase, model, modelVersion, sponsor, indication, cites.ToImmutable());
    }

    private void Once(ref StringSyntax? slot, StringSyntax value, ParserRuleContext ctx, string name)
    {
        if (slot is not null) diagnostics.Add(DiagnosticCatalog.DuplicateHeaderItem(Span(ctx), name));
        slot = value;
    }

    // ---------------------------------------------------------------- declarations

    private DeclarationSyntax? Declaration(P.DeclarationContext ctx) => ctx.GetChild(0) switch
    {
        P.ImportDeclarationContext c => Import(c),
        P.ParameterDeclarationContext c => Parameter(c),
        P.RolesDeclarationContext c => Roles(c),
        P.ArmsDeclarationContext c => Arms(c),
        P.VisitsDeclarationContext c => Visits(c),
        P.CodelistDeclarationContext c => CodeList(c),
        P.DefineDeclarationContext c => Define(c),
        P.CriteriaDeclarationContext c => Criteria(c),
        P.CheckDeclarationContext c => Check(c),
        P.TableDeclarationContext c => Table(c),
        P.SafetyDeclarationContext c => Safety(c),
        P.WorkflowDeclarationContext c => Workflow(c),
        _ => null,
    };

    // 'import' qualifiedName ('as' importAlias=identifier)? ('with' parameterOverride (',' parameterOverride)*)?
    private ImportSyntax Import(P.ImportDeclarationContext ctx) => new(
        Span(ctx),
        QualifiedName(ctx.qualifiedName(), ctx),
        ctx.importAlias is { } a ? Ident(a, ctx) : null,
        [.. ctx.parameterOverride().Select(o => new ParameterOverrideSyntax(Span(o), Ident(o.identifier(), o), Expr(o.expression(), "after =")))]);

    // 'parameter' identifier (':' typeSpecifier)? ('default' expression)? STRING?
    private ParameterSyntax Parameter(P.ParameterDeclarationContext ctx) => new(
        Span(ctx),
        Ident(ctx.identifier(), ctx),
        ctx.typeSpecifier() is { } t ? Type(t) : null,
        ctx.expression() is { } e ? Expr(e, "after default") : null,
        ctx.STRING() is { } s ? Str(s) : null);

    // 'roles' roleDefinition+
    private RolesSyntax Roles(P.RolesDeclarationContext ctx) => new(
        Span(ctx),
        [.. ctx.roleDefinition().Select(r => new RoleSyntax(Span(r), Ident(r.identifier(), r), r.STRING() is { } s ? Str(s) : null))]);

    // 'arms' armDefinition+ randomization?
    private ArmsSyntax Arms(P.ArmsDeclarationContext ctx)
    {
        var arms = ctx.armDefinition().Select(a => new ArmSyntax(
            Span(a), Ident(a.identifier(), a), Str(a.STRING()), a.INTEGER() is { } r ? Int(r) : null)).ToImmutableArray();
        RandomizationSyntax? randomization = null;
        if (ctx.randomization() is { } rz)
        {
            var integers = rz.INTEGER().Where(i => i.Symbol != rz.seed).ToList();
            var blocks = integers.Select(i => Int(i) ?? 0).ToImmutableArray();
            long? seed = rz.seed is { } sd && long.TryParse(sd.Text, NumberStyles.None, CultureInfo.InvariantCulture, out long sv) ? sv : null;
            randomization = new RandomizationSyntax(Span(rz), blocks, [.. rz.expressionTerm().Select(ExprTerm)], seed);
        }
        return new ArmsSyntax(Span(ctx), arms, randomization);
    }

    // 'visits' visitDefinition+
    private VisitsSyntax Visits(P.VisitsDeclarationContext ctx) => new(Span(ctx), [.. ctx.visitDefinition().Select(Visit)]);

    // identifier STRING? 'day' signedInteger visitClause*
    private VisitSyntax Visit(P.VisitDefinitionContext ctx)
    {
        decimal? number = null;
        int? windowStart = null, windowEnd = null;
        int day = SignedInt(ctx.signedInteger()) ?? 0;
        foreach (var clause in ctx.visitClause())
        {
            switch (clause)
            {
                // 'number' (INTEGER | DECIMAL)  #visitNumberClause
                case P.VisitNumberClauseContext n:
                    number = decimal.TryParse((n.INTEGER() ?? n.DECIMAL())?.GetText(), NumberStyles.Number, CultureInfo.InvariantCulture, out var d) ? d : null;
                    break;
                // 'window' signedInteger '..' signedInteger  #visitRangeWindow
                case P.VisitRangeWindowContext r:
                    windowStart = SignedInt(r.signedInteger(0));
                    windowEnd = SignedInt(r.signedInteger(1));
                    break;
                // 'window' INTEGER dateTimeUnit  #visitSymmetricWindow
                case P.VisitSymmetricWindowContext s:
                    int width = Int(s.INTEGER()) ?? 0;
                    windowStart = day - width;
                    windowEnd = day + width;
                    break;
            }
        }
        return new VisitSyntax(Span(ctx), Ident(ctx.identifier(), ctx), ctx.STRING() is { } l ? Str(l) : null, day, number, windowStart, windowEnd);
    }

    // 'codelist' identifier STRING? ('system' STRING)? ('version' STRING)? codeEntry (',' codeEntry)*
    private CodeListSyntax CodeList(P.CodelistDeclarationContext ctx)
    {
        var codes = ctx.codeEntry().Select(c => new CodeEntrySyntax(Span(c), StrToken(c.code, c), c.display is { } d ? StrToken(d) : null)).ToImmutableArray();
        return new CodeListSyntax(Span(ctx), Ident(ctx.identifier(), ctx),
            ctx.title is { } t ? StrToken(t) : null,
            ctx.system is { } s ? StrToken(s) : null,
            ctx.codeVersion is { } v ? StrToken(v) : null,
            codes);
    }

    // 'define' identifier ':' expression  #expressionDefine
    // 'define' 'function'? identifier '(' (operandDefinition (',' operandDefinition)*)? ')' ('returns' typeSpecifier)? ':' expression  #functionDefine
    private DefineSyntax Define(P.DefineDeclarationContext ctx) => ctx switch
    {
        P.ExpressionDefineContext e => new DefineSyntax(Span(e), Ident(e.identifier(), e), null, null, Expr(e.expression(), "after the definition's colon")),
        P.FunctionDefineContext f => new DefineSyntax(
            Span(f),
            Ident(f.identifier(), f),
            [.. f.operandDefinition().Select(Operand)],
            f.typeSpecifier() is { } t ? Type(t) : null,
            Expr(f.expression(), "after the function's colon")),
        _ => new DefineSyntax(Span(ctx), Missing(ctx), null, null, new MissingExpressionSyntax(Span(ctx))),
    };

    private OperandSyntax Operand(P.OperandDefinitionContext ctx) =>
        new(Span(ctx), Ident(ctx.identifier(), ctx), ctx.typeSpecifier() is { } t ? Type(t) : MissingType(ctx));

    // 'criteria' criterion*
    private CriteriaSyntax Criteria(P.CriteriaDeclarationContext ctx) => new(Span(ctx), [.. ctx.criterion().Select(Criterion)]);

    // kind=('inclusion' | 'exclusion') identifier STRING criterionClause* criterionBody
    private CriterionSyntax Criterion(P.CriterionContext ctx)
    {
        IdentifierSyntax? phase = null;
        var cites = ImmutableArray.CreateBuilder<StringSyntax>();
        foreach (var clause in ctx.criterionClause())
        {
            switch (clause)
            {
                // 'phase' identifier  #criterionPhase
                case P.CriterionPhaseContext p:
                    if (phase is not null) diagnostics.Add(DiagnosticCatalog.DuplicateClause(Span(p), "phase", "A criterion"));
                    phase = Ident(p.identifier(), p);
                    break;
                // 'cites' STRING  #criterionCites
                case P.CriterionCitesContext c:
                    cites.Add(Str(c.STRING()));
                    break;
            }
        }
        ExpressionSyntax? rule = null;
        IdentifierSyntax? attestedBy = null;
        switch (ctx.criterionBody())
        {
            // 'attested' 'by' identifier  #attestedBody
            case P.AttestedBodyContext a:
                attestedBy = Ident(a.identifier(), a);
                break;
            // expression  #expressionBody
            case P.ExpressionBodyContext e:
                rule = Expr(e.expression(), "as the criterion's rule");
                break;
            default:
                rule = new MissingExpressionSyntax(new TextSpan(Span(ctx).End, 0));
                break;
        }
        return new CriterionSyntax(
            Span(ctx),
            ctx.kind?.Text == "exclusion" ? CriterionKind.Exclusion : CriterionKind.Inclusion,
            Ident(ctx.identifier(), ctx),
            Str(ctx.STRING()),
            phase, cites.ToImmutable(), rule, attestedBy);
    }

    // 'check' identifier STRING checkClause*
    private CheckSyntax Check(P.CheckDeclarationContext ctx)
    {
        var name = Ident(ctx.identifier(), ctx);
        CheckSeverity? severity = null;
        CheckScopeSyntax? scope = null;
        ExpressionSyntax? expect = null;
        StringSyntax? message = null;
        IdentifierSyntax? queryTo = null;
        var cites = ImmutableArray.CreateBuilder<StringSyntax>();
        foreach (var clause in ctx.checkClause())
        {
            switch (clause)
            {
                // 'severity' severity=('critical' | 'error' | 'warning' | 'notice')  #checkSeverity
                case P.CheckSeverityContext s:
                    if (severity is not null) diagnostics.Add(DiagnosticCatalog.DuplicateClause(Span(s), "severity", $"Check {name}"));
                    severity = s.severity?.Text switch
                    {
                        "critical" => CheckSeverity.Critical,
                        "warning" => CheckSeverity.Warning,
                        "notice" => CheckSeverity.Notice,
                        _ => CheckSeverity.Error,
                    };
                    break;
                // 'cites' STRING  #checkCites
                case P.CheckCitesContext c:
                    cites.Add(Str(c.STRING()));
                    break;
                // 'for' 'each' identifier aliasName ('where' expression)?  #checkForEachRecord
                case P.CheckForEachRecordContext r:
                    SetScope(new RecordScopeSyntax(Span(r), Ident(r.identifier(), r), AliasName(r.aliasName(), r),
                        r.expression() is { } w ? Expr(w, "after where") : null), r);
                    break;
                // 'for' 'each' 'subject' ('where' expression)?  #checkForEachSubject
                case P.CheckForEachSubjectContext s:
                    SetScope(new SubjectScopeSyntax(Span(s), s.expression() is { } w2 ? Expr(w2, "after where") : null), s);
                    break;
                // 'for' 'study'  #checkForStudy
                case P.CheckForStudyContext st:
                    SetScope(new StudyScopeSyntax(Span(st)), st);
                    break;
                // 'expect' expression  #checkExpect
                case P.CheckExpectContext e:
                    if (expect is not null) diagnostics.Add(DiagnosticCatalog.DuplicateClause(Span(e), "expect", $"Check {name}"));
                    expect = Expr(e.expression(), "after expect");
                    break;
                // 'message' STRING  #checkMessage
                case P.CheckMessageContext m:
                    if (message is not null) diagnostics.Add(DiagnosticCatalog.DuplicateClause(Span(m), "message", $"Check {name}"));
                    message = Str(m.STRING());
                    break;
                // 'query' 'to' identifier  #checkQuery
                case P.CheckQueryContext q:
                    queryTo = Ident(q.identifier(), q);
                    break;
            }
        }
        if (expect is null) diagnostics.Add(DiagnosticCatalog.CheckWithoutExpect(name.Span, name.Name));
        if (scope is null) diagnostics.Add(DiagnosticCatalog.CheckWithoutScope(name.Span, name.Name));
        return new CheckSyntax(Span(ctx), name, Str(ctx.STRING()), severity, cites.ToImmutable(), scope, expect, message, queryTo);

        void SetScope(CheckScopeSyntax value, ParserRuleContext at)
        {
            if (scope is not null) diagnostics.Add(DiagnosticCatalog.DuplicateClause(Span(at), "for", $"Check {name}"));
            scope = value;
        }
    }

    // 'table' identifier STRING tableClause* tableRow+
    private TableSyntax Table(P.TableDeclarationContext ctx)
    {
        var inputs = ImmutableArray.CreateBuilder<OperandSyntax>();
        TypeSyntax? output = null;
        HitPolicy? hit = null;
        var cites = ImmutableArray.CreateBuilder<StringSyntax>();
        foreach (var clause in ctx.tableClause())
        {
            switch (clause)
            {
                // 'input' tableInput (',' tableInput)*  #tableInputs
                case P.TableInputsContext i:
                    inputs.AddRange(i.tableInput().Select(t => new OperandSyntax(Span(t), Ident(t.identifier(), t), t.typeSpecifier() is { } ts ? Type(ts) : MissingType(t))));
                    break;
                // 'output' typeSpecifier  #tableOutput
                case P.TableOutputContext o:
                    output = o.typeSpecifier() is { } ot ? Type(ot) : null;
                    break;
                // 'hit' policy=('first' | 'unique' | 'any' | 'collect')  #tableHitPolicy
                case P.TableHitPolicyContext h:
                    hit = h.policy?.Text switch { "unique" => HitPolicy.Unique, "any" => HitPolicy.Any, "collect" => HitPolicy.Collect, _ => HitPolicy.First };
                    break;
                // 'cites' STRING  #tableCites
                case P.TableCitesContext c:
                    cites.Add(Str(c.STRING()));
                    break;
            }
        }
        var rows = ctx.tableRow().Select(r => new TableRowSyntax(Span(r), [.. r.tableCell().Select(Cell)])).ToImmutableArray();
        return new TableSyntax(Span(ctx), Ident(ctx.identifier(), ctx), Str(ctx.STRING()), inputs.ToImmutable(), output, hit, cites.ToImmutable(), rows);
    }

    private TableCellSyntax Cell(P.TableCellContext ctx) => ctx switch
    {
        // 'otherwise'  #otherwiseCell
        P.OtherwiseCellContext o => new TableCellSyntax(Span(o), null, true, false),
        // '-'  #anyCell
        P.AnyCellContext a => new TableCellSyntax(Span(a), null, false, true),
        // cellExpression  #expressionCell
        P.ExpressionCellContext e => new TableCellSyntax(Span(e), CellExpr(e.cellExpression()), false, false),
        _ => new TableCellSyntax(Span(ctx), new MissingExpressionSyntax(Span(ctx)), false, false),
    };

    // 'safety' safetyRule*
    private SafetySyntax Safety(P.SafetyDeclarationContext ctx) => new(Span(ctx), [.. ctx.safetyRule().Select(SafetyRule)]);

    // 'rule' identifier STRING 'for' 'each' domain=identifier aliasName ('when' expression)? safetyClause*
    private SafetyRuleSyntax SafetyRule(P.SafetyRuleContext ctx)
    {
        StringSyntax? classification = null;
        var cites = ImmutableArray.CreateBuilder<StringSyntax>();
        var obligations = ImmutableArray.CreateBuilder<ObligationSyntax>();
        foreach (var clause in ctx.safetyClause())
        {
            switch (clause)
            {
                // 'classify' 'as' STRING  #classifyClause
                case P.ClassifyClauseContext c:
                    classification = Str(c.STRING());
                    break;
                // 'cites' STRING  #safetyCites
                case P.SafetyCitesContext s:
                    cites.Add(Str(s.STRING()));
                    break;
                // obligation (',' obligation)*  #obligationClause
                case P.ObligationClauseContext o:
                    obligations.AddRange(o.obligation().Select(Obligation));
                    break;
            }
        }
        var identifiers = ctx.identifier();
        return new SafetyRuleSyntax(
            Span(ctx),
            Ident(identifiers.ElementAtOrDefault(0), ctx),
            Str(ctx.STRING()),
            Ident(ctx.domain, ctx),
            AliasName(ctx.aliasName(), ctx),
            ctx.expression() is { } w ? Expr(w, "after when") : null,
            classification, cites.ToImmutable(), obligations.ToImmutable());
    }

    private ObligationSyntax Obligation(P.ObligationContext ctx) => ctx switch
    {
        // 'notify' identifier 'within' clockDuration 'of' 'awareness' regionOverride*  #notifyObligation
        P.NotifyObligationContext n => new ObligationSyntax(Span(n), ObligationKind.Notify, Ident(n.identifier(), n), Clock(n.clockDuration(), n), Regions(n.regionOverride())),
        // 'report' 'to' identifier 'within' clockDuration 'of' 'awareness' regionOverride*  #reportObligation
        P.ReportObligationContext r => new ObligationSyntax(Span(r), ObligationKind.Report, Ident(r.identifier(), r), Clock(r.clockDuration(), r), Regions(r.regionOverride())),
        // 'complete' 'report' 'within' clockDuration 'more'  #completeObligation
        P.CompleteObligationContext c => new ObligationSyntax(Span(c), ObligationKind.Complete, null, Clock(c.clockDuration(), c), []),
        // 'follow' 'up' 'within' clockDuration  #followUpObligation
        P.FollowUpObligationContext f => new ObligationSyntax(Span(f), ObligationKind.FollowUp, null, Clock(f.clockDuration(), f), []),
        _ => new ObligationSyntax(Span(ctx), ObligationKind.Notify, null, new ClockDurationSyntax(Span(ctx), null, null, false, null), []),
    };

    private ImmutableArray<RegionOverrideSyntax> Regions(P.RegionOverrideContext[] regions) =>
        [.. regions.Select(r => new RegionOverrideSyntax(Span(r), Str(r.STRING()), Clock(r.clockDuration(), r)))];

    private ClockDurationSyntax Clock(P.ClockDurationContext? ctx, ParserRuleContext owner) => ctx switch
    {
        // INTEGER 'calendar'? dateTimeUnit  #literalClockDuration
        P.LiteralClockDurationContext l => new ClockDurationSyntax(Span(l), Int(l.INTEGER()), l.dateTimeUnit()?.GetText(), l.GetChild(1)?.GetText() == "calendar", null),
        // identifier  #namedClockDuration
        P.NamedClockDurationContext n => new ClockDurationSyntax(Span(n), null, null, false, Ident(n.identifier(), n)),
        _ => new ClockDurationSyntax(new TextSpan(Span(owner).End, 0), null, null, false, null),
    };

    // 'workflow' identifier STRING? workflowScope workflowMember*
    private WorkflowSyntax Workflow(P.WorkflowDeclarationContext ctx)
    {
        WorkflowScopeSyntax scope = ctx.workflowScope() switch
        {
            // 'per' 'subject'  #subjectScope
            P.SubjectScopeContext s => new SubjectWorkflowScopeSyntax(Span(s)),
            // 'per' domain=identifier aliasName ('when' expression)?  #recordScope
            P.RecordScopeContext r => new RecordWorkflowScopeSyntax(Span(r), Ident(r.domain, r), AliasName(r.aliasName(), r),
                r.expression() is { } w ? Expr(w, "after when") : null),
            _ => new SubjectWorkflowScopeSyntax(new TextSpan(Span(ctx).Start, 0)),
        };
        var states = ImmutableArray.CreateBuilder<StateSyntax>();
        var transitions = ImmutableArray.CreateBuilder<TransitionSyntax>();
        foreach (var member in ctx.workflowMember())
        {
            switch (member)
            {
                // 'state' identifier stateClause*  #stateMember
                case P.StateMemberContext s:
                    states.Add(State(s));
                    break;
                // from=identifier '->' to=identifier transitionGuard? transitionActions?  #transitionMember
                case P.TransitionMemberContext t:
                    transitions.Add(new TransitionSyntax(
                        Span(t),
                        Ident(t.from, t),
                        Ident(t.to, t),
                        t.transitionGuard()?.guard() is { } g ? Guard(g) : null,
                        t.transitionActions() is { } acts ? [.. acts.action().Select(Action)] : []));
                    break;
            }
        }
        return new WorkflowSyntax(Span(ctx), Ident(ctx.identifier(), ctx), ctx.STRING() is { } title ? Str(title) : null, scope,
            states.ToImmutable(), transitions.ToImmutable());
    }

    private StateSyntax State(P.StateMemberContext ctx)
    {
        bool initial = false, final = false;
        var actions = ImmutableArray.CreateBuilder<ActionSyntax>();
        var tasks = ImmutableArray.CreateBuilder<TaskSyntax>();
        DeadlineSyntax? deadline = null;
        var name = Ident(ctx.identifier(), ctx);
        foreach (var clause in ctx.stateClause())
        {
            switch (clause)
            {
                // 'initial'  #initialClause
                case P.InitialClauseContext:
                    initial = true;
                    break;
                // 'final'  #finalClause
                case P.FinalClauseContext:
                    final = true;
                    break;
                // 'on' 'entry' action (',' action)*  #entryClause
                case P.EntryClauseContext e:
                    actions.AddRange(e.action().Select(Action));
                    break;
                // kind=('task' | 'gate') identifier STRING? ('for' identifier ('or' identifier)*)? taskClause*  #taskStateClause
                case P.TaskStateClauseContext t:
                    tasks.Add(Task(t));
                    break;
                // 'deadline' clockDuration '->' identifier ('reason' STRING)?  #deadlineClause
                case P.DeadlineClauseContext d:
                    if (deadline is not null) diagnostics.Add(DiagnosticCatalog.DuplicateClause(Span(d), "deadline", $"State {name}"));
                    deadline = new DeadlineSyntax(Span(d), Clock(d.clockDuration(), d), Ident(d.identifier(), d), d.STRING() is { } r ? Str(r) : null);
                    break;
            }
        }
        return new StateSyntax(Span(ctx), name, initial, final, actions.ToImmutable(), tasks.ToImmutable(), deadline);
    }

    private TaskSyntax Task(P.TaskStateClauseContext ctx)
    {
        var identifiers = ctx.identifier();
        var name = Ident(identifiers.ElementAtOrDefault(0), ctx);
        var roles = identifiers.Skip(1).Select(i => Ident(i, ctx)).ToImmutableArray();
        ClockDurationSyntax? due = null;
        StringSyntax? meaning = null;
        var reminders = ImmutableArray.CreateBuilder<ReminderSyntax>();
        var escalations = ImmutableArray.CreateBuilder<EscalationSyntax>();
        var decisions = ImmutableArray.CreateBuilder<IdentifierSyntax>();
        foreach (var clause in ctx.taskClause())
        {
            switch (clause)
            {
                // 'due' clockDuration  #taskDue
                case P.TaskDueContext d:
                    due = Clock(d.clockDuration(), d);
                    break;
                // 'remind' ('after' | 'before') clockDuration ('every' clockDuration)?  #taskRemind
                case P.TaskRemindContext r:
                    reminders.Add(new ReminderSyntax(Span(r), r.GetChild(1)?.GetText() == "before", Clock(r.clockDuration(0), r),
                        r.clockDuration(1) is { } every ? Clock(every, r) : null));
                    break;
                // 'escalate' 'to' identifier ('after' clockDuration)?  #taskEscalate
                case P.TaskEscalateContext e:
                    escalations.Add(new EscalationSyntax(Span(e), Ident(e.identifier(), e), e.clockDuration() is { } after ? Clock(after, e) : null));
                    break;
                // 'requires' 'signature' 'meaning' STRING  #taskSignature
                case P.TaskSignatureContext s:
                    meaning = Str(s.STRING());
                    break;
                // 'decisions' identifier (',' identifier)*  #taskDecisions
                case P.TaskDecisionsContext ds:
                    decisions.AddRange(ds.identifier().Select(i => Ident(i, ds)));
                    break;
            }
        }
        return new TaskSyntax(Span(ctx), ctx.kind?.Text == "gate", name, ctx.STRING() is { } t ? Str(t) : null, roles, due,
            reminders.ToImmutable(), escalations.ToImmutable(), meaning, decisions.ToImmutable());
    }

    // Guards nest like expressions, and each `and` or `or` between guards adds a level too: workflows walk guards recursively.
    private GuardSyntax Guard(P.GuardContext ctx)
    {
        bool outermost = _depth == 0;
        try
        {
            Enter(ctx);
            try
            {
                return GuardBody(ctx);
            }
            finally
            {
                _depth--;
            }
        }
        catch (NestingTooDeepException e) when (outermost)
        {
            ReportTooDeep(e);
            return new ExpressionGuardSyntax(Span(ctx), new MissingExpressionSyntax(Span(ctx)));
        }
    }

    private GuardSyntax GuardBody(P.GuardContext ctx) => ctx switch
    {
        // guard 'and' guard  #andGuard
        P.AndGuardContext a => new BinaryGuardSyntax(Span(a), true, Guard(a.guard(0)), GuardOrMissing(a.guard(1), a)),
        // guard 'or' guard  #orGuard
        P.OrGuardContext o => new BinaryGuardSyntax(Span(o), false, Guard(o.guard(0)), GuardOrMissing(o.guard(1), o)),
        // '(' guard ')'  #parenthesizedGuard
        P.ParenthesizedGuardContext p => GuardOrMissing(p.guard(), p),
        // 'criteria' ('phase' identifier)? criteriaOutcome (OUTCOME_OR criteriaOutcome)*  #criteriaGuard
        P.CriteriaGuardContext c => new CriteriaGuardSyntax(Span(c), c.identifier() is { } ph ? Ident(ph, c) : null,
            [.. c.criteriaOutcome().Select(o => o.GetText() switch
            {
                "notmet" => CriteriaOutcome.NotMet,
                "unknown" => CriteriaOutcome.Unknown,
                "attested" => CriteriaOutcome.Attested,
                _ => CriteriaOutcome.Met,
            })]),
        // identifier taskOutcome  #taskGuard
        P.TaskGuardContext t => TaskGuard(t),
        // 'event' identifier  #eventGuard
        P.EventGuardContext e => new EventGuardSyntax(Span(e), Ident(e.identifier(), e)),
        // 'clock' qualifiedName clockOutcome=('met' | 'missed')  #clockGuard
        P.ClockGuardContext k => new ClockGuardSyntax(Span(k), ClockName(k.qualifiedName(), k), k.clockOutcome?.Text == "missed"),
        // expression  #expressionGuard
        P.ExpressionGuardContext x => new ExpressionGuardSyntax(Span(x), Expr(x.expression(), "as the condition")),
        _ => new ExpressionGuardSyntax(Span(ctx), new MissingExpressionSyntax(Span(ctx))),
    };

    private GuardSyntax GuardOrMissing(P.GuardContext? ctx, ParserRuleContext owner) =>
        ctx is null ? new ExpressionGuardSyntax(new TextSpan(Span(owner).End, 0), new MissingExpressionSyntax(new TextSpan(Span(owner).End, 0))) : Guard(ctx);

    private TaskGuardSyntax TaskGuard(P.TaskGuardContext ctx)
    {
        var outcome = ctx.taskOutcome();
        var kind = outcome?.GetChild(0)?.GetText() switch
        {
            "approved" => TaskOutcome.Approved,
            "rejected" => TaskOutcome.Rejected,
            "decided" => TaskOutcome.Decided,
            _ => TaskOutcome.Completed,
        };
        return new TaskGuardSyntax(Span(ctx), Ident(ctx.identifier(), ctx), kind, outcome?.identifier() is { } d ? Ident(d, outcome) : null);
    }

    private ActionSyntax Action(P.ActionContext ctx) => ctx switch
    {
        // 'evaluate' 'criteria' ('phase' identifier)?  #evaluateAction
        P.EvaluateActionContext e => new EvaluateCriteriaActionSyntax(Span(e), e.identifier() is { } p ? Ident(p, e) : null),
        // 'randomize'  #randomizeAction
        P.RandomizeActionContext r => new RandomizeActionSyntax(Span(r)),
        // 'notify' identifier STRING?  #notifyAction
        P.NotifyActionContext n => new NotifyActionSyntax(Span(n), Ident(n.identifier(), n), n.STRING() is { } m ? Str(m) : null),
        // 'start' 'clocks'  #startClocksAction
        P.StartClocksActionContext s => new StartClocksActionSyntax(Span(s)),
        // 'stop' 'clock' qualifiedName  #stopClockAction
        P.StopClockActionContext sc => new StopClockActionSyntax(Span(sc), ClockName(sc.qualifiedName(), sc)),
        // 'withdraw' 'clock' qualifiedName ('reason' STRING)?  #withdrawClockAction
        P.WithdrawClockActionContext wc => new WithdrawClockActionSyntax(Span(wc), ClockName(wc.qualifiedName(), wc), wc.STRING() is { } r ? Str(r) : null),
        // 'record' 'deviation' STRING  #deviationAction
        P.DeviationActionContext d => new RecordDeviationActionSyntax(Span(d), Str(d.STRING())),
        // 'emit' identifier  #emitAction
        P.EmitActionContext em => new EmitActionSyntax(Span(em), Ident(em.identifier(), em)),
        _ => new EmitActionSyntax(Span(ctx), Missing(ctx)),
    };

    // ---------------------------------------------------------------- types

    private TypeSyntax Type(P.TypeSpecifierContext ctx)
    {
        bool outermost = _depth == 0;
        try
        {
            Enter(ctx);
            try
            {
                return TypeBody(ctx);
            }
            finally
            {
                _depth--;
            }
        }
        catch (NestingTooDeepException e) when (outermost)
        {
            ReportTooDeep(e);
            return MissingType(ctx);
        }
    }

    private TypeSyntax TypeBody(P.TypeSpecifierContext ctx)
    {
        if (ctx.namedTypeSpecifier() is { } named) return Named(named);
        string first = ctx.GetChild(0)?.GetText() ?? "";
        var inner = ctx.typeSpecifier();
        return first switch
        {
            "List" => new ListTypeSyntax(Span(ctx), inner.Length > 0 ? Type(inner[0]) : MissingType(ctx)),
            "Interval" => new IntervalTypeSyntax(Span(ctx), inner.Length > 0 ? Type(inner[0]) : MissingType(ctx)),
            "Tuple" => new TupleTypeSyntax(Span(ctx), [.. ctx.tupleElementDefinition().Select(e =>
                new TupleTypeElementSyntax(Span(e), Ident(e.identifier(), e), e.typeSpecifier() is { } t ? Type(t) : MissingType(e)))]),
            "Choice" => new ChoiceTypeSyntax(Span(ctx), [.. inner.Select(Type)]),
            _ => MissingType(ctx),
        };
    }

    private NamedTypeSyntax Named(P.NamedTypeSpecifierContext ctx) =>
        new(Span(ctx), new QualifiedNameSyntax(Span(ctx), [.. ctx.identifier().Select(i => Ident(i, ctx))]));

    private NamedTypeSyntax MissingType(ParserRuleContext ctx) =>
        new(new TextSpan(Span(ctx).End, 0), new QualifiedNameSyntax(new TextSpan(Span(ctx).End, 0), [Missing(ctx)]));

    // ---------------------------------------------------------------- nesting

    // Each nested expression, operand, type or guard adds one level; the left operands of an infix chain do not (they
    // are built in a loop), so `a or b or c ...` may be as long as the file allows while `((((...))))` is limited.
    // Beyond the limit the outermost expression becomes one diagnostic and a placeholder, so nothing downstream ever
    // walks a tree deeper than the limit.
    private void Enter(ParserRuleContext ctx)
    {
        if (_depth >= maxDepth) throw new NestingTooDeepException(FirstToken(ctx));
        _depth++;
    }

    private static TextSpan FirstToken(ParserRuleContext ctx) =>
        ctx.Start is { } t && t.Type != TokenConstants.EOF && t.StartIndex >= 0 ? TextSpan.FromBounds(t.StartIndex, t.StopIndex + 1) : Span(ctx);

    private void ReportTooDeep(NestingTooDeepException e) => diagnostics.Add(DiagnosticCatalog.NestingTooDeep(e.Span, maxDepth));

    // ---------------------------------------------------------------- expressions

    private ExpressionSyntax Expr(P.ExpressionContext? ctx, string context)
    {
        if (ctx is null || ctx.exception is not null && ctx.ChildCount == 0)
        {
            var at = ctx is null ? new TextSpan(0, 0) : Span(ctx);
            return new MissingExpressionSyntax(at);
        }
        bool outermost = _depth == 0;
        try
        {
            Enter(ctx);
            try
            {
                return ExprBody(ctx);
            }
            finally
            {
                _depth--;
            }
        }
        catch (NestingTooDeepException e) when (outermost)
        {
            ReportTooDeep(e);
            return new MissingExpressionSyntax(Span(ctx));
        }
    }

    private ExpressionSyntax ExprBody(P.ExpressionContext ctx)
    {
        // expression ('|' | 'union' | 'intersect' | 'except') expression  #setExpression
        // A chain of set operators is left-deep: walk down its left operands in a loop, then build upwards.
        List<P.SetExpressionContext>? chain = null;
        P.ExpressionContext? current = ctx;
        while (current is P.SetExpressionContext s)
        {
            (chain ??= []).Add(s);
            current = s.expression(0);
        }
        var result = current switch
        {
            null => new MissingExpressionSyntax(new TextSpan(0, 0)),
            { exception: not null, ChildCount: 0 } => new MissingExpressionSyntax(Span(current)),
            // cellExpression  #coreExpression
            P.CoreExpressionContext c => CellExprBody(c.cellExpression()),
            _ => new MissingExpressionSyntax(Span(current)),
        };
        if (chain is null) return result;
        for (int i = chain.Count - 1; i >= 0; i--)
        {
            var s = chain[i];
            result = new BinaryExpressionSyntax(Span(s), s.GetChild(1).GetText() switch
            {
                "intersect" => BinaryOperator.Intersect,
                "except" => BinaryOperator.Except,
                _ => BinaryOperator.Union,
            }, result, Expr(s.expression(1), "here"));
        }
        return result;
    }

    /// <summary>A cell expression nested inside another construct (one level deeper).</summary>
    private ExpressionSyntax CellExpr(P.CellExpressionContext? ctx)
    {
        if (ctx is null) return new MissingExpressionSyntax(new TextSpan(0, 0));
        bool outermost = _depth == 0;
        try
        {
            Enter(ctx);
            try
            {
                return CellExprBody(ctx);
            }
            finally
            {
                _depth--;
            }
        }
        catch (NestingTooDeepException e) when (outermost)
        {
            ReportTooDeep(e);
            return new MissingExpressionSyntax(Span(ctx));
        }
    }

    private static bool IsInfix(P.CellExpressionContext ctx) =>
        ctx is P.InequalityExpressionContext or P.TimingExpressionContext or P.EqualityExpressionContext or P.MembershipExpressionContext
            or P.AndExpressionContext or P.OrExpressionContext or P.ImpliesExpressionContext;

    private ExpressionSyntax CellExprBody(P.CellExpressionContext? ctx)
    {
        if (ctx is null) return new MissingExpressionSyntax(new TextSpan(0, 0));
        // An infix chain is left-deep (`a or b or c` is (a or b) or c): its left operands are built in a loop.
        List<P.CellExpressionContext>? chain = null;
        var current = ctx;
        while (IsInfix(current) && current.GetRuleContext<P.CellExpressionContext>(0) is { } left)
        {
            (chain ??= []).Add(current);
            current = left;
        }
        var result = CellExprSingle(current);
        if (chain is null) return result;
        for (int i = chain.Count - 1; i >= 0; i--) result = Infix(chain[i], result);
        return result;
    }

    /// <summary>Builds one infix node of a chain whose left operand is already built.</summary>
    private ExpressionSyntax Infix(P.CellExpressionContext ctx, ExpressionSyntax left)
    {
        var span = Span(ctx);
        var right = ctx.GetRuleContext<P.CellExpressionContext>(1);
        switch (ctx)
        {
            // cellExpression op=('<=' | '<' | '>' | '>=') cellExpression  #inequalityExpression
            case P.InequalityExpressionContext i:
                return Binary(span, i.op?.Text switch
                {
                    "<=" => BinaryOperator.LessOrEqual,
                    "<" => BinaryOperator.Less,
                    ">" => BinaryOperator.Greater,
                    _ => BinaryOperator.GreaterOrEqual,
                }, left, right);
            // cellExpression intervalOperatorPhrase cellExpression  #timingExpression
            case P.TimingExpressionContext tm:
                return new TimingExpressionSyntax(span, left, Phrase(tm.intervalOperatorPhrase()), CellExpr(right));
            // cellExpression op=('=' | '!=' | '~' | '!~') cellExpression  #equalityExpression
            case P.EqualityExpressionContext eq:
                return Binary(span, eq.op?.Text switch
                {
                    "!=" => BinaryOperator.NotEqual,
                    "~" => BinaryOperator.Equivalent,
                    "!~" => BinaryOperator.NotEquivalent,
                    _ => BinaryOperator.Equal,
                }, left, right);
            // cellExpression op=('in' | 'contains') dateTimePrecisionSpecifier? cellExpression  #membershipExpression
            case P.MembershipExpressionContext m:
                return new BinaryExpressionSyntax(span, m.op?.Text == "contains" ? BinaryOperator.Contains : BinaryOperator.In,
                    left, CellExpr(right), m.dateTimePrecisionSpecifier()?.dateTimePrecision()?.GetText());
            // cellExpression 'and' cellExpression  #andExpression
            case P.AndExpressionContext:
                return Binary(span, BinaryOperator.And, left, right);
            // cellExpression op=('or' | 'xor') cellExpression  #orExpression
            case P.OrExpressionContext o:
                return Binary(span, o.op?.Text == "xor" ? BinaryOperator.Xor : BinaryOperator.Or, left, right);
            // cellExpression 'implies' cellExpression  #impliesExpression
            default:
                return Binary(span, BinaryOperator.Implies, left, right);
        }
    }

    private ExpressionSyntax CellExprSingle(P.CellExpressionContext ctx)
    {
        var span = Span(ctx);
        switch (ctx)
        {
            // expressionTerm  #termExpression
            case P.TermExpressionContext t:
                return ExprTermBody(t.expressionTerm());
            // query  #queryExpression
            case P.QueryExpressionContext q:
                return Query(q.query());
            // cellExpression 'is' 'not'? ('null' | 'true' | 'false')  #booleanTestExpression
            case P.BooleanTestExpressionContext b:
            {
                string last = b.GetChild(b.ChildCount - 1).GetText();
                var kind = last switch { "true" => BooleanTestKind.True, "false" => BooleanTestKind.False, _ => BooleanTestKind.Null };
                return new BooleanTestSyntax(span, CellExpr(b.cellExpression()), kind, b.ChildCount == 4);
            }
            // cellExpression ('is' | 'as') typeSpecifier  #typeExpression
            case P.TypeExpressionContext te:
                return new TypeOperatorSyntax(span, CellExpr(te.cellExpression()), TypeOrMissing(te.typeSpecifier(), te),
                    te.GetChild(1).GetText() == "is" ? TypeOperator.Is : TypeOperator.As);
            // 'cast' cellExpression 'as' typeSpecifier  #castExpression
            case P.CastExpressionContext ce:
                return new TypeOperatorSyntax(span, CellExpr(ce.cellExpression()), TypeOrMissing(ce.typeSpecifier(), ce), TypeOperator.Cast);
            // 'not' cellExpression  #notExpression
            case P.NotExpressionContext n:
                return new UnaryExpressionSyntax(span, UnaryOperator.Not, CellExpr(n.cellExpression()));
            // 'exists' cellExpression  #existsExpression
            case P.ExistsExpressionContext e:
                return new UnaryExpressionSyntax(span, UnaryOperator.Exists, CellExpr(e.cellExpression()));
            // cellExpression 'properly'? 'between' expressionTerm 'and' expressionTerm  #betweenExpression
            case P.BetweenExpressionContext be:
                return new BetweenSyntax(span, CellExpr(be.cellExpression()), ExprTerm(be.expressionTerm(0)), ExprTerm(be.expressionTerm(1)),
                    be.GetChild(1).GetText() == "properly");
            // ('duration' 'in')? pluralDateTimePrecision 'between' expressionTerm 'and' expressionTerm  #durationBetweenExpression
            case P.DurationBetweenExpressionContext d:
                return new DurationBetweenSyntax(span, d.pluralDateTimePrecision()?.GetText() ?? "", ExprTerm(d.expressionTerm(0)), ExprTerm(d.expressionTerm(1)), false);
            // 'difference' 'in' pluralDateTimePrecision 'between' expressionTerm 'and' expressionTerm  #differenceBetweenExpression
            case P.DifferenceBetweenExpressionContext df:
                return new DurationBetweenSyntax(span, df.pluralDateTimePrecision()?.GetText() ?? "", ExprTerm(df.expressionTerm(0)), ExprTerm(df.expressionTerm(1)), true);
            // An infix expression whose left operand is missing (after a syntax error).
            case var infix when IsInfix(infix):
                return Infix(infix, new MissingExpressionSyntax(new TextSpan(0, 0)));
            default:
                return new MissingExpressionSyntax(span);
        }
    }

    private BinaryExpressionSyntax Binary(TextSpan span, BinaryOperator op, ExpressionSyntax left, P.CellExpressionContext? right) =>
        new(span, op, left, right is null ? new MissingExpressionSyntax(new TextSpan(span.End, 0)) : CellExpr(right));

    private TypeSyntax TypeOrMissing(P.TypeSpecifierContext? ctx, ParserRuleContext owner) => ctx is null ? MissingType(owner) : Type(ctx);

    private TimingPhrase Phrase(P.IntervalOperatorPhraseContext? ctx)
    {
        string? Precision(P.DateTimePrecisionSpecifierContext? p) => p?.dateTimePrecision()?.GetText();
        bool Has(ParserRuleContext c, string word)
        {
            for (int i = 0; i < c.ChildCount; i++)
                if (c.GetChild(i) is ITerminalNode t && t.GetText() == word) return true;
            return false;
        }
        switch (ctx)
        {
            // anchor=('starts' | 'ends' | 'occurs')? 'same' dateTimePrecision? (relativeQualifier | 'as') target=('start' | 'end')?  #concurrentWithPhrase
            case P.ConcurrentWithPhraseContext c:
            {
                var rel = c.relativeQualifier()?.GetText();
                return new TimingPhrase(TimingKind.Same, c.anchor?.Text, c.target?.Text, c.dateTimePrecision()?.GetText(), false,
                    rel is null ? null : rel.EndsWith("before", StringComparison.Ordinal), rel is not null, null, OffsetQualifier.Exactly);
            }
            // 'properly'? 'includes' dateTimePrecisionSpecifier? target=('start' | 'end')?  #includesPhrase
            case P.IncludesPhraseContext i:
                return new TimingPhrase(TimingKind.Includes, null, i.target?.Text, Precision(i.dateTimePrecisionSpecifier()), Has(i, "properly"), null, false, null, OffsetQualifier.Exactly);
            // anchor=('starts' | 'ends' | 'occurs')? 'properly'? ('during' | 'included' 'in') dateTimePrecisionSpecifier?  #includedInPhrase
            case P.IncludedInPhraseContext d:
                return new TimingPhrase(TimingKind.IncludedIn, d.anchor?.Text, null, Precision(d.dateTimePrecisionSpecifier()), Has(d, "properly"), null, false, null, OffsetQualifier.Exactly);
            // anchor=('starts' | 'ends' | 'occurs')? quantityOffset? temporalRelationship dateTimePrecisionSpecifier? target=('start' | 'end')?  #beforeOrAfterPhrase
            case P.BeforeOrAfterPhraseContext b:
            {
                var rel = b.temporalRelationship();
                bool before = rel is not null && Has(rel, "before");
                bool orOn = rel is not null && Has(rel, "on");
                QuantitySyntax? offset = null;
                var qualifier = OffsetQualifier.Exactly;
                if (b.quantityOffset() is { } qo)
                {
                    offset = qo.quantity() is { } q ? Quantity(q) : null;
                    var text = qo.offsetRelativeQualifier()?.GetText() ?? qo.exclusiveRelativeQualifier()?.GetText();
                    qualifier = text switch
                    {
                        "ormore" => OffsetQualifier.OrMore,
                        "orless" => OffsetQualifier.OrLess,
                        "lessthan" => OffsetQualifier.LessThan,
                        "morethan" => OffsetQualifier.MoreThan,
                        _ => OffsetQualifier.Exactly,
                    };
                }
                return new TimingPhrase(TimingKind.BeforeOrAfter, b.anchor?.Text, b.target?.Text, Precision(b.dateTimePrecisionSpecifier()), false, before, orOn, offset, qualifier);
            }
            // anchor=('starts' | 'ends' | 'occurs')? 'properly'? 'within' quantity 'of' target=('start' | 'end')?  #withinPhrase
            case P.WithinPhraseContext w:
                return new TimingPhrase(TimingKind.Within, w.anchor?.Text, w.target?.Text, null, Has(w, "properly"), null, false,
                    w.quantity() is { } wq ? Quantity(wq) : null, OffsetQualifier.OrLess);
            // 'meets' direction=('before' | 'after')? dateTimePrecisionSpecifier?  #meetsPhrase
            case P.MeetsPhraseContext m:
                return new TimingPhrase(TimingKind.Meets, null, null, Precision(m.dateTimePrecisionSpecifier()), false,
                    m.direction is null ? null : m.direction.Text == "before", false, null, OffsetQualifier.Exactly);
            // 'overlaps' direction=('before' | 'after')? dateTimePrecisionSpecifier?  #overlapsPhrase
            case P.OverlapsPhraseContext o:
                return new TimingPhrase(TimingKind.Overlaps, null, null, Precision(o.dateTimePrecisionSpecifier()), false,
                    o.direction is null ? null : o.direction.Text == "before", false, null, OffsetQualifier.Exactly);
            // 'starts' dateTimePrecisionSpecifier?  #startsPhrase
            case P.StartsPhraseContext s:
                return new TimingPhrase(TimingKind.Starts, null, null, Precision(s.dateTimePrecisionSpecifier()), false, null, false, null, OffsetQualifier.Exactly);
            // 'ends' dateTimePrecisionSpecifier?  #endsPhrase
            case P.EndsPhraseContext e:
                return new TimingPhrase(TimingKind.Ends, null, null, Precision(e.dateTimePrecisionSpecifier()), false, null, false, null, OffsetQualifier.Exactly);
            default:
                return new TimingPhrase(TimingKind.Same, null, null, null, false, null, false, null, OffsetQualifier.Exactly);
        }
    }

    /// <summary>An expression term nested inside another construct (one level deeper).</summary>
    private ExpressionSyntax ExprTerm(P.ExpressionTermContext? ctx)
    {
        if (ctx is null) return new MissingExpressionSyntax(new TextSpan(0, 0));
        bool outermost = _depth == 0;
        try
        {
            Enter(ctx);
            try
            {
                return ExprTermBody(ctx);
            }
            finally
            {
                _depth--;
            }
        }
        catch (NestingTooDeepException e) when (outermost)
        {
            ReportTooDeep(e);
            return new MissingExpressionSyntax(Span(ctx));
        }
    }

    private ExpressionSyntax ExprTermBody(P.ExpressionTermContext? ctx)
    {
        if (ctx is null) return new MissingExpressionSyntax(new TextSpan(0, 0));
        // `x + y - z ...` and `x * y / z ...` are left-deep chains: their left operands are built in a loop.
        List<P.ExpressionTermContext>? chain = null;
        var current = ctx;
        while (current is P.MultiplicationExpressionTermContext or P.AdditionExpressionTermContext
               && current.GetRuleContext<P.ExpressionTermContext>(0) is { } left)
        {
            (chain ??= []).Add(current);
            current = left;
        }
        var result = ExprTermSingle(current);
        if (chain is null) return result;
        for (int i = chain.Count - 1; i >= 0; i--)
        {
            var link = chain[i];
            var span = Span(link);
            var op = link switch
            {
                // expressionTerm op=('*' | '/' | 'div' | 'mod') expressionTerm  #multiplicationExpressionTerm
                P.MultiplicationExpressionTermContext m => m.op?.Text switch
                {
                    "/" => BinaryOperator.Divide,
                    "div" => BinaryOperator.TruncatedDivide,
                    "mod" => BinaryOperator.Modulo,
                    _ => BinaryOperator.Multiply,
                },
                // expressionTerm op=('+' | '-' | '&') expressionTerm  #additionExpressionTerm
                P.AdditionExpressionTermContext a => a.op?.Text switch
                {
                    "-" => BinaryOperator.Subtract,
                    "&" => BinaryOperator.Concatenate,
                    _ => BinaryOperator.Add,
                },
                _ => BinaryOperator.Add,
            };
            result = new BinaryExpressionSyntax(span, op, result, ExprTermOrMissing(link.GetRuleContext<P.ExpressionTermContext>(1), span));
        }
        return result;
    }

    private ExpressionSyntax ExprTermSingle(P.ExpressionTermContext ctx)
    {
        var span = Span(ctx);
        switch (ctx)
        {
            // term  #termExpressionTerm
            case P.TermExpressionTermContext t:
                return Term(t.term());
            // expressionTerm '.' qualifiedInvocation  #invocationExpressionTerm
            case P.InvocationExpressionTermContext i:
            {
                var target = ExprTerm(i.expressionTerm());
                return i.qualifiedInvocation() switch
                {
                    // referentialIdentifier  #qualifiedMemberInvocation
                    P.QualifiedMemberInvocationContext m => new MemberAccessSyntax(span, target, Ident(m.referentialIdentifier()?.identifier(), m)),
                    // referentialIdentifier '(' (expression (',' expression)*)? ')'  #qualifiedFunctionInvocation
                    P.QualifiedFunctionInvocationContext f => new InvocationSyntax(span, target, Ident(f.referentialIdentifier()?.identifier(), f),
                        [.. f.expression().Select(e => Expr(e, "as an argument"))]),
                    _ => new MemberAccessSyntax(span, target, Missing(i)),
                };
            }
            // expressionTerm '[' expression ']'  #indexedExpressionTerm
            case P.IndexedExpressionTermContext ix:
                return new IndexerSyntax(span, ExprTerm(ix.expressionTerm()), Expr(ix.expression(), "as the index"));
            // 'convert' expression 'to' (typeSpecifier | STRING_LITERAL)  #conversionExpressionTerm
            case P.ConversionExpressionTermContext c:
                return new ConvertSyntax(span, Expr(c.expression(), "after convert"), c.typeSpecifier() is { } ts ? Type(ts) : null,
                    c.STRING_LITERAL() is { } u ? Unquote(u.Symbol) : null);
            // op=('+' | '-') expressionTerm  #polarityExpressionTerm
            case P.PolarityExpressionTermContext p:
                return Polarity(p, span);
            // boundary=('start' | 'end') 'of' expressionTerm  #timeBoundaryExpressionTerm
            case P.TimeBoundaryExpressionTermContext tb:
                return new UnaryExpressionSyntax(span, tb.boundary?.Text == "end" ? UnaryOperator.End : UnaryOperator.Start, ExprTerm(tb.expressionTerm()));
            // dateTimeComponent 'from' expressionTerm  #timeUnitExpressionTerm
            case P.TimeUnitExpressionTermContext tu:
                return new ComponentFromSyntax(span, tu.dateTimeComponent()?.GetText() ?? "", ExprTerm(tu.expressionTerm()));
            // 'duration' 'in' pluralDateTimePrecision 'of' expressionTerm  #durationExpressionTerm
            case P.DurationExpressionTermContext d:
                return new DurationOfSyntax(span, d.pluralDateTimePrecision()?.GetText() ?? "", ExprTerm(d.expressionTerm()), false);
            // After a syntax error the parser may leave the precision out; the error is already reported, so an empty name.
            // 'difference' 'in' pluralDateTimePrecision 'of' expressionTerm  #differenceExpressionTerm
            case P.DifferenceExpressionTermContext df:
                return new DurationOfSyntax(span, df.pluralDateTimePrecision()?.GetText() ?? "", ExprTerm(df.expressionTerm()), true);
            // 'width' 'of' expressionTerm  #widthExpressionTerm
            case P.WidthExpressionTermContext w:
                return new UnaryExpressionSyntax(span, UnaryOperator.Width, ExprTerm(w.expressionTerm()));
            // 'successor' 'of' expressionTerm  #successorExpressionTerm
            case P.SuccessorExpressionTermContext s:
                return new UnaryExpressionSyntax(span, UnaryOperator.Successor, ExprTerm(s.expressionTerm()));
            // 'predecessor' 'of' expressionTerm  #predecessorExpressionTerm
            case P.PredecessorExpressionTermContext pr:
                return new UnaryExpressionSyntax(span, UnaryOperator.Predecessor, ExprTerm(pr.expressionTerm()));
            // 'singleton' 'from' expressionTerm  #singletonExpressionTerm
            case P.SingletonExpressionTermContext sg:
                return new UnaryExpressionSyntax(span, UnaryOperator.Singleton, ExprTerm(sg.expressionTerm()));
            // 'point' 'from' expressionTerm  #pointExpressionTerm
            case P.PointExpressionTermContext pt:
                return new UnaryExpressionSyntax(span, UnaryOperator.Point, ExprTerm(pt.expressionTerm()));
            // extent=('minimum' | 'maximum') namedTypeSpecifier  #typeExtentExpressionTerm
            case P.TypeExtentExpressionTermContext te:
                return new TypeExtentSyntax(span, te.extent?.Text == "maximum", te.namedTypeSpecifier() is { } nt ? Named(nt) : MissingType(te));
            // <assoc=right> expressionTerm '^' expressionTerm  #powerExpressionTerm
            case P.PowerExpressionTermContext pw:
                return new BinaryExpressionSyntax(span, BinaryOperator.Power, ExprTerm(pw.expressionTerm(0)), ExprTermOrMissing(pw.expressionTerm(1), span));
            // expressionTerm op=('*' | '/' | 'div' | 'mod') expressionTerm  #multiplicationExpressionTerm
            // expressionTerm op=('+' | '-' | '&') expressionTerm  #additionExpressionTerm
            // (built by ExprTermBody; here only when the left operand is missing after a syntax error)
            case P.MultiplicationExpressionTermContext or P.AdditionExpressionTermContext:
                return new MissingExpressionSyntax(span);
            // 'if' expression 'then' expression 'else' expression  #ifThenElseExpressionTerm
            case P.IfThenElseExpressionTermContext f:
                return new IfSyntax(span, Expr(f.expression(0), "after if"), Expr(f.expression(1), "after then"), Expr(f.expression(2), "after else"));
            // 'case' expression? caseItem+ 'else' expression 'end'  #caseExpressionTerm
            case P.CaseExpressionTermContext cs:
            {
                var expressions = cs.expression();
                // With a comparand there is one expression before the items; the last is always the else.
                var comparand = expressions.Length == 2 ? Expr(expressions[0], "after case") : null;
                return new CaseSyntax(span, comparand,
                    [.. cs.caseItem().Select(it => new CaseItemSyntax(Span(it), Expr(it.expression(0), "after when"), Expr(it.expression(1), "after then")))],
                    Expr(expressions.LastOrDefault(), "after else"));
            }
            // op=('distinct' | 'flatten') expression  #listOperatorExpressionTerm
            case P.ListOperatorExpressionTermContext l:
                return new UnaryExpressionSyntax(span, l.op?.Text == "flatten" ? UnaryOperator.Flatten : UnaryOperator.Distinct, Expr(l.expression(), "after " + l.op?.Text));
            // op=('expand' | 'collapse') expression ('per' (dateTimePrecision | expression))?  #setAggregateExpressionTerm
            case P.SetAggregateExpressionTermContext sa:
            {
                var expressions = sa.expression();
                return new SetAggregateSyntax(span, sa.op?.Text == "expand", Expr(expressions[0], "after " + sa.op?.Text),
                    expressions.Length > 1 ? Expr(expressions[1], "after per") : null, sa.dateTimePrecision()?.GetText());
            }
            default:
                return new MissingExpressionSyntax(span);
        }
    }

    private ExpressionSyntax ExprTermOrMissing(P.ExpressionTermContext? ctx, TextSpan owner) =>
        ctx is null ? new MissingExpressionSyntax(new TextSpan(owner.End, 0)) : ExprTerm(ctx);

    // A minus sign directly before a number is part of the literal, so -2147483648 fits in an Integer.
    private ExpressionSyntax Polarity(P.PolarityExpressionTermContext p, TextSpan span)
    {
        bool negative = p.op?.Text == "-";
        if (p.expressionTerm() is P.TermExpressionTermContext { } t && t.term() is P.LiteralTermContext lt)
        {
            switch (lt.literal())
            {
                case P.NumberLiteralContext n:
                    return NumberLiteral(span, (negative ? "-" : "") + n.GetText(), n.INTEGER() is not null);
                case P.LongNumberLiteralContext l:
                    return LongLiteral(span, (negative ? "-" : "") + l.GetText());
            }
        }
        return new UnaryExpressionSyntax(span, negative ? UnaryOperator.Negate : UnaryOperator.Plus, ExprTerm(p.expressionTerm()));
    }

    private ExpressionSyntax Term(P.TermContext? ctx)
    {
        if (ctx is null) return new MissingExpressionSyntax(new TextSpan(0, 0));
        var span = Span(ctx);
        switch (ctx)
        {
            // invocation  #invocationTerm
            case P.InvocationTermContext i:
                return i.invocation() switch
                {
                    // referentialIdentifier  #identifierInvocation
                    P.IdentifierInvocationContext id => new NameSyntax(span, Ident(id.referentialIdentifier()?.identifier(), id)),
                    // referentialIdentifier '(' (expression (',' expression)*)? ')'  #functionInvocation
                    P.FunctionInvocationContext f => new InvocationSyntax(span, null, Ident(f.referentialIdentifier()?.identifier(), f),
                        [.. f.expression().Select(e => Expr(e, "as an argument"))]),
                    // '$this' | '$index' | '$total'
                    var other => new NameSyntax(span, new IdentifierSyntax(span, other.GetText())),
                };
            // literal  #literalTerm
            case P.LiteralTermContext l:
                return Literal(l.literal());
            // 'Interval' (open='[' | open='(') expression ',' expression (close=']' | close=')')  #intervalSelectorTerm
            case P.IntervalSelectorTermContext iv:
                return new IntervalSelectorSyntax(span, Expr(iv.expression(0), "as the interval's low bound"), iv.open?.Text == "[",
                    Expr(iv.expression(1), "as the interval's high bound"), iv.close?.Text == "]");
            // 'Tuple'? '{' (':' | tupleElementSelector (',' tupleElementSelector)*) '}'  #tupleSelectorTerm
            case P.TupleSelectorTermContext tp:
                return new TupleSelectorSyntax(span, [.. tp.tupleElementSelector().Select(e => new ElementSelectorSyntax(Span(e), Ident(e.identifier(), e), Expr(e.expression(), "as the element's value")))]);
            // identifier '{' (instanceElementSelector (',' instanceElementSelector)*)? '}'  #instanceSelectorTerm
            case P.InstanceSelectorTermContext ins:
                return new InstanceSelectorSyntax(span, Ident(ins.identifier(), ins),
                    [.. ins.instanceElementSelector().Select(e => new ElementSelectorSyntax(Span(e), Ident(e.identifier(), e), Expr(e.expression(), "as the element's value")))]);
            // ('List' ('<' typeSpecifier '>')?)? '{' (expression (',' expression)*)? '}'  #listSelectorTerm
            case P.ListSelectorTermContext ls:
                return new ListSelectorSyntax(span, ls.typeSpecifier() is { } lt ? Type(lt) : null, [.. ls.expression().Select(e => Expr(e, "as a list element"))]);
            // 'Code' STRING_LITERAL 'from' identifier ('display' STRING_LITERAL)?  #codeSelectorTerm
            case P.CodeSelectorTermContext cs:
                return new CodeSelectorSyntax(span, Unquote(cs.STRING_LITERAL(0)?.Symbol), Ident(cs.identifier(), cs),
                    cs.STRING_LITERAL(1) is { } d ? Unquote(d.Symbol) : null);
            // 'Concept' '{' codeSelector (',' codeSelector)* '}' ('display' STRING_LITERAL)?  #conceptSelectorTerm
            case P.ConceptSelectorTermContext cc:
                return new ConceptSelectorSyntax(span,
                    [.. cc.codeSelector().Select(c => new CodeSelectorSyntax(Span(c), Unquote(c.STRING_LITERAL(0)?.Symbol), Ident(c.identifier(), c),
                        c.STRING_LITERAL(1) is { } d2 ? Unquote(d2.Symbol) : null))],
                    cc.STRING_LITERAL() is { } cd ? Unquote(cd.Symbol) : null);
            // '(' expression ')'  #parenthesizedTerm
            case P.ParenthesizedTermContext p:
                return Expr(p.expression(), "inside the parentheses");
            default:
                return new MissingExpressionSyntax(span);
        }
    }

    private ExpressionSyntax Literal(P.LiteralContext? ctx)
    {
        if (ctx is null) return new MissingExpressionSyntax(new TextSpan(0, 0));
        var span = Span(ctx);
        return ctx switch
        {
            // ('true' | 'false')  #booleanLiteral
            P.BooleanLiteralContext b => new LiteralSyntax(span, LiteralKind.Boolean, b.GetText()),
            // 'null'  #nullLiteral
            P.NullLiteralContext => new LiteralSyntax(span, LiteralKind.Null, "null"),
            // STRING_LITERAL  #stringLiteral
            P.StringLiteralContext s => new LiteralSyntax(span, LiteralKind.String, Unquote(s.STRING_LITERAL().Symbol)),
            // (INTEGER | DECIMAL)  #numberLiteral
            P.NumberLiteralContext n => NumberLiteral(span, n.GetText(), n.INTEGER() is not null),
            // LONG  #longNumberLiteral
            P.LongNumberLiteralContext l => LongLiteral(span, l.GetText()),
            // DATETIME  #dateTimeLiteral
            P.DateTimeLiteralContext dt => new LiteralSyntax(span, LiteralKind.DateTime, dt.GetText()[1..]),
            // DATE  #dateLiteral
            P.DateLiteralContext d => new LiteralSyntax(span, LiteralKind.Date, d.GetText()[1..]),
            // TIME  #timeLiteral
            P.TimeLiteralContext t => new LiteralSyntax(span, LiteralKind.Time, t.GetText()[2..]),
            // quantity  #quantityLiteral
            P.QuantityLiteralContext q => Quantity(q.quantity()),
            // quantity ':' quantity  #ratioLiteral
            P.RatioLiteralContext r => new RatioSyntax(span, Quantity(r.quantity(0)), Quantity(r.quantity(1))),
            _ => new MissingExpressionSyntax(span),
        };
    }

    private LiteralSyntax NumberLiteral(TextSpan span, string text, bool isInteger)
    {
        if (isInteger)
        {
            if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
                diagnostics.Add(DiagnosticCatalog.NumberOutOfRange(span, text, "an Integer (-2147483648 to 2147483647)"));
            return new LiteralSyntax(span, LiteralKind.Integer, text);
        }
        if (!decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out _)
            || text.Length - text.IndexOf('.') - 1 > 8 || text.TrimStart('-', '+').IndexOf('.') > 28)
            diagnostics.Add(DiagnosticCatalog.NumberOutOfRange(span, text, "a Decimal (at most 28 digits before the point and 8 after)"));
        return new LiteralSyntax(span, LiteralKind.Decimal, text);
    }

    private LiteralSyntax LongLiteral(TextSpan span, string text)
    {
        var digits = text.TrimEnd('L');
        if (!long.TryParse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
            diagnostics.Add(DiagnosticCatalog.NumberOutOfRange(span, text, "a Long"));
        return new LiteralSyntax(span, LiteralKind.Long, digits);
    }

    private QuantitySyntax Quantity(P.QuantityContext? ctx)
    {
        if (ctx is null) return new QuantitySyntax(new TextSpan(0, 0), "0", "1", false);
        var number = (ctx.INTEGER() ?? ctx.DECIMAL())?.GetText() ?? "0";
        var unit = ctx.unit();
        if (unit?.STRING_LITERAL() is { } u) return new QuantitySyntax(Span(ctx), number, Unquote(u.Symbol), false);
        return new QuantitySyntax(Span(ctx), number, unit?.GetText() ?? "1", true);
    }

    // ---------------------------------------------------------------- queries

    // sourceClause letClause? queryInclusionClause* whereClause? (aggregateClause | returnClause)? sortClause?
    private QuerySyntax Query(P.QueryContext ctx)
    {
        var sources = ctx.sourceClause()?.aliasedQuerySource().Select(Source).ToImmutableArray() ?? [];
        var lets = ctx.letClause()?.letClauseItem().Select(l => new LetItemSyntax(Span(l), Ident(l.identifier(), l), Expr(l.expression(), "after let"))).ToImmutableArray() ?? [];
        var inclusions = ctx.queryInclusionClause().Select(i => i switch
        {
            // 'with' aliasedQuerySource 'such' 'that' expression  #withClause
            P.WithClauseContext w => new QueryInclusionSyntax(Span(w), false, Source(w.aliasedQuerySource()), Expr(w.expression(), "after such that")),
            // 'without' aliasedQuerySource 'such' 'that' expression  #withoutClause
            P.WithoutClauseContext wo => new QueryInclusionSyntax(Span(wo), true, Source(wo.aliasedQuerySource()), Expr(wo.expression(), "after such that")),
            _ => new QueryInclusionSyntax(Span(i), false, new QuerySourceSyntax(Span(i), new MissingExpressionSyntax(Span(i)), Missing(i)), new MissingExpressionSyntax(Span(i))),
        }).ToImmutableArray();
        var where = ctx.whereClause() is { } w2 ? Expr(w2.expression(), "after where") : null;
        QueryReturnSyntax? ret = ctx.returnClause() is { } r
            ? new QueryReturnSyntax(Span(r), Expr(r.expression(), "after return"), r.GetChild(1)?.GetText() == "all")
            : null;
        QueryAggregateSyntax? aggregate = null;
        if (ctx.aggregateClause() is { } ag)
        {
            ExpressionSyntax? starting = ag.startingClause() switch
            {
                null => null,
                { } sc when sc.expression() is { } se => Expr(se, "after starting"),
                { } sc when sc.quantity() is { } sq => Quantity(sq),
                { } sc when sc.simpleLiteral() is { } sl => SimpleLiteral(sl),
                _ => null,
            };
            aggregate = new QueryAggregateSyntax(Span(ag), Ident(ag.identifier(), ag), starting, Expr(ag.expression(), "after the accumulator's colon"),
                ag.GetChild(1)?.GetText() == "distinct");
        }
        QuerySortSyntax? sort = null;
        if (ctx.sortClause() is { } so)
        {
            bool Desc(P.SortDirectionContext? d) => d?.GetText() is "desc" or "descending";
            sort = new QuerySortSyntax(Span(so), Desc(so.sortDirection()),
                [.. so.sortByItem().Select(i => new SortItemSyntax(Span(i), ExprTerm(i.expressionTerm()), Desc(i.sortDirection())))]);
        }
        return new QuerySyntax(Span(ctx), sources, lets, inclusions, where, ret, aggregate, sort);
    }

    private ExpressionSyntax SimpleLiteral(P.SimpleLiteralContext ctx)
    {
        if (ctx.STRING_LITERAL() is { } s) return new LiteralSyntax(Span(ctx), LiteralKind.String, Unquote(s.Symbol));
        return NumberLiteral(Span(ctx), ctx.GetText(), ctx.INTEGER() is not null);
    }

    private QuerySourceSyntax Source(P.AliasedQuerySourceContext? ctx)
    {
        if (ctx is null) return new QuerySourceSyntax(new TextSpan(0, 0), new MissingExpressionSyntax(new TextSpan(0, 0)), new IdentifierSyntax(new TextSpan(0, 0), ""));
        var qs = ctx.querySource();
        ExpressionSyntax source;
        if (qs?.qualifiedIdentifierExpression() is { } qi)
        {
            // A dotted name: the first part is a name, each further part a member of it.
            var parts = qi.qualifierExpression().Select(q => Ident(q.referentialIdentifier()?.identifier(), q))
                .Append(Ident(qi.referentialIdentifier()?.identifier(), qi)).ToList();
            source = new NameSyntax(parts[0].Span, parts[0]);
            foreach (var part in parts.Skip(1))
                source = new MemberAccessSyntax(source.Span.Union(part.Span), source, part);
        }
        else
        {
            source = Expr(qs?.expression(), "as the query source");
        }
        return new QuerySourceSyntax(Span(ctx), source, AliasName(ctx.alias()?.aliasName(), ctx));
    }

    // ---------------------------------------------------------------- tokens and names

    private QualifiedNameSyntax QualifiedName(P.QualifiedNameContext? ctx, ParserRuleContext owner)
    {
        if (ctx is null) return new QualifiedNameSyntax(new TextSpan(Span(owner).End, 0), [Missing(owner)]);
        return new QualifiedNameSyntax(Span(ctx), [.. ctx.identifier().Select(i => Ident(i, ctx))]);
    }

    // A clock is named by its rule, or by the rule and the obligation (FatalSUSAR.complete): one name with its dots.
    private IdentifierSyntax ClockName(P.QualifiedNameContext? ctx, ParserRuleContext owner)
    {
        var name = QualifiedName(ctx, owner);
        return name.Parts.Any(p => p.IsMissing) ? Missing(owner) : new IdentifierSyntax(name.Span, name.Text);
    }

    private IdentifierSyntax Ident(P.IdentifierContext? ctx, ParserRuleContext owner)
    {
        if (ctx is null || ctx.Start is null || ctx.exception is not null && ctx.ChildCount == 0) return Missing(owner);
        var text = ctx.GetText();
        if (text.StartsWith('`')) text = Unescape(text[1..^1], Span(ctx));
        return new IdentifierSyntax(Span(ctx), text);
    }

    private IdentifierSyntax AliasName(P.AliasNameContext? ctx, ParserRuleContext owner)
    {
        if (ctx is null || ctx.Start is null) return Missing(owner);
        var text = ctx.GetText();
        if (text.StartsWith('`')) text = Unescape(text[1..^1], Span(ctx));
        return new IdentifierSyntax(Span(ctx), text);
    }

    private IdentifierSyntax Ident(IToken? token, ParserRuleContext owner) =>
        token is null || token.StartIndex < 0 ? Missing(owner) : new IdentifierSyntax(TextSpan.FromBounds(token.StartIndex, token.StopIndex + 1), token.Text);

    private static IdentifierSyntax Missing(ParserRuleContext owner) => new(new TextSpan(Span(owner).End, 0), "");

    private StringSyntax Str(ITerminalNode? node) =>
        node is null || node.Symbol.StartIndex < 0 ? new StringSyntax(new TextSpan(0, 0), "") : StrToken(node.Symbol);

    // A token error recovery left out (null, or conjured without a place) is an empty text where its owner starts.
    private StringSyntax StrToken(IToken? token, ParserRuleContext? owner = null)
    {
        if (token is null || token.StartIndex < 0 || token.Text is null) return new StringSyntax(new TextSpan(owner is null ? 0 : Span(owner).Start, 0), "");
        var span = TextSpan.FromBounds(token.StartIndex, token.StopIndex + 1);
        return new StringSyntax(span, Unescape(token.Text.Length >= 2 ? token.Text[1..^1] : "", span));
    }

    private string Unquote(IToken? token)
    {
        if (token is null || token.Text is null || token.Text.Length < 2) return "";
        return Unescape(token.Text[1..^1], TextSpan.FromBounds(token.StartIndex, token.StopIndex + 1));
    }

    private string Unescape(string text, TextSpan span)
    {
        if (!text.Contains('\\')) return text;
        var sb = new StringBuilder(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c != '\\' || i + 1 >= text.Length)
            {
                sb.Append(c);
                continue;
            }
            char e = text[++i];
            switch (e)
            {
                case 'n': sb.Append('\n'); break;
                case 't': sb.Append('\t'); break;
                case 'r': sb.Append('\r'); break;
                case 'f': sb.Append('\f'); break;
                case '\\' or '\'' or '"' or '`' or '/': sb.Append(e); break;
                case 'u' when text.Length - i - 1 >= 4 &&
                              int.TryParse(text.AsSpan(i + 1, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out int code):
                    sb.Append((char)code);
                    i += 4;
                    break;
                default:
                    diagnostics.Add(DiagnosticCatalog.InvalidEscape(span, "\\" + e));
                    sb.Append(e);
                    break;
            }
        }
        return sb.ToString();
    }

    private static int? Int(ITerminalNode? node) =>
        node is not null && int.TryParse(node.GetText(), NumberStyles.None, CultureInfo.InvariantCulture, out int v) ? v : null;

    private static int? SignedInt(P.SignedIntegerContext? ctx)
    {
        if (ctx is null || Int(ctx.INTEGER()) is not int v) return null;
        return ctx.GetChild(0)?.GetText() == "-" ? -v : v;
    }

    private static TextSpan Span(ParserRuleContext ctx)
    {
        int start = ctx.Start?.StartIndex ?? 0;
        if (ctx.Start?.Type == TokenConstants.EOF) return new TextSpan(Math.Max(0, start), 0);
        int stop = ctx.Stop is { } s && s.Type != TokenConstants.EOF && s.StopIndex >= start ? s.StopIndex + 1 : start;
        return TextSpan.FromBounds(Math.Max(0, start), stop);
    }
}
