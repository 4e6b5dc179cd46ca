using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.CompilerServices;
using ProtocolEngine.Language.DataModel;
using ProtocolEngine.Language.Diagnostics;
using ProtocolEngine.Language.Syntax;
using ProtocolEngine.Language.Types;

namespace ProtocolEngine.Language.Binding;

internal sealed partial class Binder
{
    private int _expressionDepth;

    /// <summary>Binds an expression in a scope of locals.</summary>
    public BoundExpression BindExpression(ExpressionSyntax syntax, Scope scope)
    {
        // The parser bounds nesting, so this recursion stays shallow; should a thread's stack still run short (a
        // caller with a tiny stack), the outermost expression becomes a diagnostic rather than the process dying.
        bool outermost = _expressionDepth == 0;
        _expressionDepth++;
        try
        {
            RuntimeHelpers.EnsureSufficientExecutionStack();
            return BindExpressionCore(syntax, scope);
        }
        catch (InsufficientExecutionStackException) when (outermost)
        {
            Report(DiagnosticCatalog.NestingTooDeep(syntax.Span, Limits.MaxNestingDepth));
            return new BoundError(syntax);
        }
        finally
        {
            _expressionDepth--;
        }
    }

    private BoundExpression BindExpressionCore(ExpressionSyntax syntax, Scope scope)
    {
        switch (syntax)
        {
            case MissingExpressionSyntax m:
                return new BoundError(m);
            case LiteralSyntax l:
                return BindLiteral(l);
            case QuantitySyntax q:
                return BindQuantity(q);
            case RatioSyntax r:
                return new BoundTuple(r, ProtocolType.Ratio, [("numerator", BindQuantity(r.Numerator)), ("denominator", BindQuantity(r.Denominator))]);
            case NameSyntax n:
                return BindName(n, scope);
            case MemberAccessSyntax m:
                return BindMemberAccess(m, scope);
            case InvocationSyntax i:
                return BindInvocation(i, scope);
            case IndexerSyntax ix:
                return Call(ix, "Indexer", [BindExpression(ix.Target, scope), BindExpression(ix.Index, scope)]);
            case UnaryExpressionSyntax u:
                return BindUnary(u, scope);
            case BinaryExpressionSyntax b:
                return BindBinary(b, scope);
            case BooleanTestSyntax bt:
            {
                var operand = BindExpression(bt.Operand, scope);
                BoundExpression test = bt.Test switch
                {
                    BooleanTestKind.Null => Call(bt, "IsNull", [operand]),
                    BooleanTestKind.True => Call(bt, "IsTrue", [operand]),
                    _ => Call(bt, "IsFalse", [operand]),
                };
                return bt.Negated ? Call(bt, "Not", [test]) : test;
            }
            case TypeOperatorSyntax t:
                return BindTypeOperator(t, scope);
            case ConvertSyntax cv:
                return BindConvert(cv, scope);
            case BetweenSyntax be:
            {
                var operand = BindExpression(be.Operand, scope);
                var low = BindExpression(be.Low, scope);
                var high = BindExpression(be.High, scope);
                return Call(be, "And", [
                    Call(be, be.Properly ? "Greater" : "GreaterOrEqual", [operand, low]),
                    Call(be, be.Properly ? "Less" : "LessOrEqual", [operand, high])]);
            }
            case DurationBetweenSyntax db:
            {
                var precision = SingularPrecision(db.Precision);
                return Call(db, db.IsDifference ? "DifferenceBetween" : "DurationBetween",
                    [BindExpression(db.Low, scope), BindExpression(db.High, scope), Constant(db, precision)]);
            }
            case DurationOfSyntax d:
            {
                var interval = BindExpression(d.Operand, scope);
                var precision = Constant(d, SingularPrecision(d.Precision));
                return Call(d, d.IsDifference ? "DifferenceBetween" : "DurationBetween",
                    [Call(d, "Start", [interval]), Call(d, "End", [interval]), precision]);
            }
            case ComponentFromSyntax cf:
                return BindComponent(cf, scope);
            case TypeExtentSyntax te:
            {
                var type = BindType(te.Type);
                if (!type.IsOrdered) Report(DiagnosticCatalog.OperatorNotApplicable(te.Span, te.IsMaximum ? "maximum" : "minimum", type.Name));
                return new BoundTypeExtent(te, type, te.IsMaximum);
            }
            case SetAggregateSyntax sa:
            {
                var operand = BindExpression(sa.Operand, scope);
                BoundExpression per = sa.Per is { } p ? BindExpression(p, scope)
                    : sa.PerPrecision is { } pp ? new BoundQuantityLiteral(sa, 1, pp)
                    : new BoundLiteral(sa, ProtocolType.Quantity, null);
                return Call(sa, sa.IsExpand ? "Expand" : "Collapse", [operand, per]);
            }
            case TimingExpressionSyntax tm:
                return BindTiming(tm, scope);
            case IfSyntax f:
            {
                var condition = Convert(BindExpression(f.Condition, scope), ProtocolType.Boolean, "The condition of if");
                var then = BindExpression(f.Then, scope);
                var @else = BindExpression(f.Else, scope);
                var type = Conversions.CommonType([then.Type, @else.Type]);
                return new BoundIf(f, type, condition, ConvertQuiet(then, type) ?? then, ConvertQuiet(@else, type) ?? @else);
            }
            case CaseSyntax cs:
                return BindCase(cs, scope);
            case IntervalSelectorSyntax iv:
            {
                var low = BindExpression(iv.Low, scope);
                var high = BindExpression(iv.High, scope);
                var point = Conversions.CommonType([low.Type, high.Type]);
                if (!point.IsAny && !point.IsOrdered)
                    Report(DiagnosticCatalog.OperatorNotApplicable(iv.Span, "Interval", point.Name));
                return new BoundInterval(iv, new IntervalType(point), ConvertQuiet(low, point) ?? low, iv.LowClosed, ConvertQuiet(high, point) ?? high, iv.HighClosed);
            }
            case TupleSelectorSyntax ts:
            {
                var elements = ts.Elements.Select(e => (e.Name.Name, BindExpression(e.Value, scope))).ToImmutableArray();
                return new BoundTuple(ts, new TupleType([.. elements.Select(e => new TupleElement(e.Name, e.Item2.Type))]), elements);
            }
            case InstanceSelectorSyntax ins:
                return BindInstance(ins, scope);
            case ListSelectorSyntax ls:
            {
                var elements = ls.Elements.Select(e => BindExpression(e, scope)).ToList();
                var elementType = ls.ElementType is { } et ? BindType(et) : Conversions.CommonType(elements.Select(e => e.Type));
                var converted = elements.Select(e => ConvertQuiet(e, elementType) ?? Convert(e, elementType, "A list element")).ToImmutableArray();
                return new BoundList(ls, new ListType(elementType), converted);
            }
            case CodeSelectorSyntax code:
                return new BoundTuple(code, ProtocolType.Code, [
                    ("code", Constant(code, code.Code)), ("system", Constant(code, code.System.Name)),
                    ("display", code.Display is null ? new BoundLiteral(code, ProtocolType.String, null) : Constant(code, code.Display))]);
            case ConceptSelectorSyntax concept:
            {
                var codes = concept.Codes.Select(c => BindExpression(c, scope)).ToImmutableArray();
                return new BoundTuple(concept, ProtocolType.Concept, [
                    ("codes", new BoundList(concept, new ListType(ProtocolType.Code), codes)),
                    ("display", concept.Display is null ? new BoundLiteral(concept, ProtocolType.String, null) : Constant(concept, concept.Display))]);
            }
            case QuerySyntax q:
                return BindQuery(q, scope);
            default:
                return new BoundError(syntax);
        }
    }

    private static BoundLiteral Constant(SyntaxNode syntax, string value) => new(syntax, ProtocolType.String, value);

    // ---------------------------------------------------------------- literals

    private BoundExpression BindLiteral(LiteralSyntax l)
    {
        switch (l.Kind)
        {
            case LiteralKind.Boolean:
                return new BoundLiteral(l, ProtocolType.Boolean, l.Value == "true");
            case LiteralKind.Null:
                return new BoundLiteral(l, ProtocolType.Any, null);
            case LiteralKind.String:
                return new BoundLiteral(l, ProtocolType.String, l.Value);
            case LiteralKind.Integer:
                return new BoundLiteral(l, ProtocolType.Integer, int.TryParse(l.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int i) ? i : 0);
            case LiteralKind.Long:
                return new BoundLiteral(l, ProtocolType.Long, long.TryParse(l.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long lg) ? lg : 0L);
            case LiteralKind.Decimal:
                return new BoundLiteral(l, ProtocolType.Decimal, decimal.TryParse(l.Value, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var d) ? d : 0m);
            case LiteralKind.Date:
                ValidateTemporalLiteral(l);
                return new BoundLiteral(l, ProtocolType.Date, l.Value);
            case LiteralKind.DateTime:
                ValidateTemporalLiteral(l);
                return new BoundLiteral(l, ProtocolType.DateTime, l.Value);
            default:
                ValidateTemporalLiteral(l);
                return new BoundLiteral(l, ProtocolType.Time, l.Value);
        }
    }

    private void ValidateTemporalLiteral(LiteralSyntax l)
    {
        var text = l.Value;
        string? problem = TemporalLiteralProblem(l.Kind, text);
        if (problem is not null) Report(DiagnosticCatalog.InvalidDateTimeLiteral(l.Span, "@" + (l.Kind == LiteralKind.Time ? "T" : "") + text, problem));
    }

    private static string? TemporalLiteralProblem(LiteralKind kind, string text)
    {
        static int Num(string s, int start, int length) => int.Parse(s.AsSpan(start, length), CultureInfo.InvariantCulture);
        if (kind != LiteralKind.Time)
        {
            int year = Num(text, 0, 4);
            if (year < 1) return "the year must be 1 or later";
            if (text.Length >= 7)
            {
                int month = Num(text, 5, 2);
                if (month is < 1 or > 12) return "the month must be 01 to 12";
                if (text.Length >= 10)
                {
                    int day = Num(text, 8, 2);
                    if (day < 1 || day > DateTime.DaysInMonth(year, month)) return $"{year:D4}-{month:D2} has no day {day:D2}";
                }
            }
            int t = text.IndexOf('T');
            if (t < 0 || t == text.Length - 1) return null;
            text = text[(t + 1)..];
        }
        int offsetAt = text.IndexOfAny(['Z', '+', '-']);
        var time = offsetAt >= 0 ? text[..offsetAt] : text;
        if (time.Length >= 2 && Num(time, 0, 2) > 23) return "the hour must be 00 to 23";
        if (time.Length >= 5 && Num(time, 3, 2) > 59) return "the minute must be 00 to 59";
        if (time.Length >= 8 && Num(time, 6, 2) > 59) return "the second must be 00 to 59";
        if (offsetAt >= 0 && kind == LiteralKind.Time) return "a time of day cannot carry a time-zone offset";
        return null;
    }

    private BoundExpression BindQuantity(QuantitySyntax q)
    {
        CheckQuantityUnit(q);
        var value = decimal.Parse(q.Number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
        return new BoundQuantityLiteral(q, value, q.Unit);
    }

    private bool CheckQuantityUnit(QuantitySyntax q)
    {
        if (q.IsCalendarUnit || UnitDimensions.Dimension(q.Unit) is not null) return true;
        Report(DiagnosticCatalog.UnknownUnit(q.Span, q.Unit));
        return false;
    }

    private static string SingularPrecision(string precision) => precision.EndsWith('s') ? precision[..^1] : precision;

    // ---------------------------------------------------------------- names

    private BoundExpression BindName(NameSyntax n, Scope scope)
    {
        var name = n.Identifier.Name;
        if (name.Length == 0) return new BoundError(n);
        if (scope.Lookup(name) is { } local) return new BoundLocal(n, local);
        if (LookupGlobal(name, n) is { } global) return global;
        // Inside `sort by`, a bare name reads a member of each element.
        if (scope.FindImplicitElement() is { } element)
        {
            var target = new BoundLocal(n, element);
            if (TryMember(n, target, name, out var member, report: false)) return member!;
        }
        if (LooksLikeDomain(name) && _dataModel is not null)
        {
            Report(DiagnosticCatalog.UnknownDomain(n.Span, name, $"{_dataModel.Name} {_dataModel.Version}",
                NameSuggester.Suggest(name, _dataModel.Domains.Select(d => d.Name))));
            return new BoundError(n);
        }
        // A near miss of a visit or code list name gets the message for that kind of name.
        var suggestion = NameSuggester.Suggest(name, AllNames(scope));
        if (suggestion is not null && _visits.ContainsKey(suggestion)) Report(DiagnosticCatalog.UnknownVisit(n.Span, name, suggestion));
        else if (suggestion is not null && (_codeLists.ContainsKey(suggestion) || _imports.Any(i => i.CodeLists.ContainsKey(suggestion))))
            Report(DiagnosticCatalog.UnknownCodeList(n.Span, name, suggestion));
        else Report(DiagnosticCatalog.UnknownName(n.Span, name, suggestion));
        return new BoundError(n);
    }

    private static bool LooksLikeDomain(string name) =>
        name.Length is >= 2 and <= 8 && name.All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c));

    private IEnumerable<string> AllNames(Scope scope) =>
        scope.Names()
            .Concat(_defines.Keys).Concat(_parameters.Keys).Concat(_codeLists.Keys).Concat(_visits.Keys)
            .Concat(_imports.SelectMany(i => i.Defines.Keys.Concat(i.Parameters.Keys).Concat(i.CodeLists.Keys)))
            .Concat(_dataModel?.Domains.Select(d => d.Name) ?? []);

    private BoundExpression? LookupGlobal(string name, SyntaxNode at)
    {
        if (_defines.TryGetValue(name, out var define)) return DefineReference(at, define);
        if (_parameters.TryGetValue(name, out var parameter))
        {
            _used.Add(parameter);
            return new BoundParameterReference(at, parameter);
        }
        if (_codeLists.TryGetValue(name, out var codeList)) return new BoundCodeListReference(at, codeList);
        if (_visits.TryGetValue(name, out var visit)) return new BoundVisitReference(at, VisitType, visit);
        foreach (var import in _imports)
        {
            if (import.Defines.TryGetValue(name, out var d)) return new BoundDefineReference(at, d);
            if (import.Parameters.TryGetValue(name, out var p)) return new BoundParameterReference(at, p);
            if (import.CodeLists.TryGetValue(name, out var c)) return new BoundCodeListReference(at, c);
        }
        if (_dataModel?.FindDomain(name) is { } domain) return new BoundDomainReference(at, DomainReferenceType(domain), domain);
        if (name.Length > 0 && _dataModel is null && LooksLikeDomain(name) && SdtmModel.Sdtmig34.FindDomain(name) is not null)
        {
            Report(DiagnosticCatalog.MissingDataModel(at.Span, name));
            return new BoundError(at);
        }
        return null;
    }

    private BoundDefineReference DefineReference(SyntaxNode at, DefineSymbol define)
    {
        _used.Add(define);
        if (define.Body is null) BindDefine(define);
        return new BoundDefineReference(at, define);
    }

    private static readonly TupleType VisitType = new([
        new TupleElement("name", ProtocolType.String),
        new TupleElement("label", ProtocolType.String),
        new TupleElement("number", ProtocolType.Decimal),
        new TupleElement("day", ProtocolType.Integer),
        new TupleElement("window", new IntervalType(ProtocolType.Integer)),
    ]);

    // ---------------------------------------------------------------- members

    private BoundExpression BindMemberAccess(MemberAccessSyntax m, Scope scope)
    {
        // An imported library's alias or full name qualifies its names: ctcae5.Grade, std.ctcae5.Grade.
        if (FindLibrary(m.Target, scope) is { } library)
        {
            var name = m.Member.Name;
            if (library.Defines.TryGetValue(name, out var d)) return new BoundDefineReference(m, d);
            if (library.Parameters.TryGetValue(name, out var p)) return new BoundParameterReference(m, p);
            if (library.CodeLists.TryGetValue(name, out var c)) return new BoundCodeListReference(m, c);
            Report(DiagnosticCatalog.UnknownMember(m.Member.Span, "Library " + library.Name, name,
                NameSuggester.Suggest(name, library.Defines.Keys.Concat(library.Parameters.Keys).Concat(library.CodeLists.Keys))));
            return new BoundError(m);
        }
        var target = BindExpression(m.Target, scope);
        return TryMember(m, target, m.Member.Name, out var result, report: true) ? result! : new BoundError(m);
    }

    private bool TryMember(SyntaxNode syntax, BoundExpression target, string member, out BoundExpression? result, bool report)
    {
        result = null;
        if (member.Length == 0 || target is BoundError || target.Type.IsAny)
        {
            result = new BoundMemberAccess(syntax, ProtocolType.Any, target, member);
            return !report || member.Length > 0 || target is BoundError;
        }
        switch (target.Type)
        {
            case RecordType record:
            {
                var variable = record.Domain.FindVariable(member);
                if (variable is null)
                {
                    if (report)
                        Report(DiagnosticCatalog.UnknownVariable(syntax is MemberAccessSyntax ma ? ma.Member.Span : syntax.Span, record.Domain.Name, member,
                            NameSuggester.Suggest(member, record.Domain.Variables.Select(v => v.Name))));
                    return false;
                }
                result = new BoundVariableAccess(syntax, VariableType(variable), target, record.Domain, variable);
                return true;
            }
            case ListType list when list.ElementType is RecordType or TupleType || StructuredMembers(list.ElementType) is not null:
            {
                // CQL list member access: the member of each element, nulls dropped, lists flattened.
                var element = new LocalSymbol("$element", list.ElementType, LocalKind.Synthetic, syntax);
                if (!TryMember(syntax, new BoundLocal(syntax, element), member, out var access, report)) return false;
                var type = access!.Type is ListType inner ? inner : new ListType(access.Type);
                result = new BoundListMemberAccess(syntax, type, target, element, access);
                return true;
            }
            case TupleType tuple:
            {
                if (tuple.Find(member) is { } element)
                {
                    result = new BoundMemberAccess(syntax, element.Type, target, member);
                    return true;
                }
                if (report)
                    Report(DiagnosticCatalog.UnknownMember(syntax is MemberAccessSyntax ma2 ? ma2.Member.Span : syntax.Span, "This tuple", member,
                        NameSuggester.Suggest(member, tuple.Elements.Select(e => e.Name))));
                return false;
            }
            default:
            {
                var members = StructuredMembers(target.Type);
                if (members is not null && members.TryGetValue(member, out var memberType))
                {
                    result = new BoundMemberAccess(syntax, memberType, target, member);
                    return true;
                }
                if (report)
                    Report(DiagnosticCatalog.UnknownMember(syntax is MemberAccessSyntax ma3 ? ma3.Member.Span : syntax.Span, target.Type.Name, member,
                        members is null ? null : NameSuggester.Suggest(member, members.Keys)));
                return false;
            }
        }
    }

    private static Dictionary<string, ProtocolType>? StructuredMembers(ProtocolType type)
    {
        if (type == ProtocolType.Quantity) return new() { ["value"] = ProtocolType.Decimal, ["unit"] = ProtocolType.String };
        if (type == ProtocolType.Ratio) return new() { ["numerator"] = ProtocolType.Quantity, ["denominator"] = ProtocolType.Quantity };
        if (type == ProtocolType.Code)
            return new() { ["code"] = ProtocolType.String, ["system"] = ProtocolType.String, ["version"] = ProtocolType.String, ["display"] = ProtocolType.String };
        if (type == ProtocolType.Concept) return new() { ["codes"] = new ListType(ProtocolType.Code), ["display"] = ProtocolType.String };
        if (type is IntervalType i)
            return new() { ["low"] = i.PointType, ["high"] = i.PointType, ["lowClosed"] = ProtocolType.Boolean, ["highClosed"] = ProtocolType.Boolean };
        return null;
    }

    // ---------------------------------------------------------------- invocations

    private BoundExpression BindInvocation(InvocationSyntax i, Scope scope)
    {
        var name = i.Name.Name;
        // Library-qualified calls: ctcae5.Grade(x), std.ctcae5.Grade(x).
        if (i.Target is not null && FindLibrary(i.Target, scope) is { } library)
        {
            var qualifier = library.Alias;
            var args = i.Arguments.Select(a => BindExpression(a, scope)).ToImmutableArray();
            if (library.Functions.TryGetValue(name, out var lf)) return CallFunction(i, lf, args);
            if (library.Tables.TryGetValue(name, out var lt)) return CallTable(i, lt, args);
            Report(DiagnosticCatalog.UnknownFunction(i.Name.Span, $"{qualifier}.{name}",
                NameSuggester.Suggest(name, library.Functions.Keys.Concat(library.Tables.Keys))));
            return new BoundError(i);
        }

        var arguments = new List<BoundExpression>();
        if (i.Target is not null) arguments.Add(BindExpression(i.Target, scope));
        arguments.AddRange(i.Arguments.Select(a => BindExpression(a, scope)));
        var bound = arguments.ToImmutableArray();

        if (_functions.TryGetValue(name, out var function)) return CallFunction(i, function, bound);
        if (_tables.TryGetValue(name, out var table)) return CallTable(i, table, bound);
        foreach (var import in _imports)
        {
            if (import.Functions.TryGetValue(name, out var f)) return CallFunction(i, f, bound);
            if (import.Tables.TryGetValue(name, out var t)) return CallTable(i, t, bound);
        }
        if (name == "Message" && bound.Length == 5) return Call(i, "Message", bound);
        if (name == "Power" && bound.Length == 2) return Power(i, bound[0], bound[1]);
        if (BuiltinCatalog.IsCallableByName(name)) return Call(i, name, bound);

        var candidates = BuiltinCatalog.Names.Where(BuiltinCatalog.IsCallableByName)
            .Concat(_functions.Keys).Concat(_tables.Keys).Concat(_imports.SelectMany(l => l.Functions.Keys.Concat(l.Tables.Keys)));
        Report(DiagnosticCatalog.UnknownFunction(i.Name.Span, name, NameSuggester.Suggest(name, candidates)));
        return new BoundError(i);
    }

    /// <summary>The imported library a dotted name (alias or full name) denotes, unless a local hides it.</summary>
    private LibraryExports? FindLibrary(ExpressionSyntax target, Scope scope)
    {
        static string? Dotted(ExpressionSyntax e) => e switch
        {
            NameSyntax n => n.Identifier.Name,
            MemberAccessSyntax { Target: var t, Member.Name: var member } when Dotted(t) is { } prefix => prefix + "." + member,
            _ => null,
        };
        var name = Dotted(target);
        if (name is null || scope.Lookup(name.Split('.')[0]) is not null) return null;
        return _imports.FirstOrDefault(l => l.Alias == name) ?? _imports.FirstOrDefault(l => l.Name == name);
    }

    private BoundExpression CallFunction(SyntaxNode syntax, FunctionSymbol function, ImmutableArray<BoundExpression> args)
    {
        _used.Add(function);
        if (function.Body is null && function.Library is null) BindFunction(function);
        if (args.Length != function.Parameters.Length)
        {
            Report(DiagnosticCatalog.WrongArgumentCount(syntax.Span, function.Name, function.Parameters.Length, args.Length));
            return new BoundError(syntax);
        }
        var converted = args.Select((a, k) => Convert(a, function.Parameters[k].Type, $"Argument {k + 1} of {function.Name}")).ToImmutableArray();
        return new BoundFunctionCall(syntax, function, converted);
    }

    private BoundExpression CallTable(SyntaxNode syntax, TableSymbol table, ImmutableArray<BoundExpression> args)
    {
        _used.Add(table);
        if (args.Length != table.Inputs.Length)
        {
            Report(DiagnosticCatalog.WrongArgumentCount(syntax.Span, table.Name, table.Inputs.Length, args.Length));
            return new BoundError(syntax);
        }
        var converted = args.Select((a, k) => Convert(a, table.Inputs[k].Type, $"Input {table.Inputs[k].Name} of {table.Name}")).ToImmutableArray();
        return new BoundTableCall(syntax, table.CallType, table, converted);
    }

    private BoundExpression BindInstance(InstanceSelectorSyntax ins, Scope scope)
    {
        var typeName = ins.TypeName.Name;
        var elements = ins.Elements.Select(e => (e.Name.Name, Value: BindExpression(e.Value, scope))).ToList();
        ProtocolType? type = typeName switch
        {
            "Quantity" => ProtocolType.Quantity,
            "Code" => ProtocolType.Code,
            "Concept" => ProtocolType.Concept,
            "Ratio" => ProtocolType.Ratio,
            _ => null,
        };
        if (type is null)
        {
            Report(DiagnosticCatalog.UnknownType(ins.TypeName.Span, typeName, NameSuggester.Suggest(typeName, ["Quantity", "Code", "Concept", "Ratio"])));
            return new BoundError(ins);
        }
        var members = StructuredMembers(type)!;
        var bound = ImmutableArray.CreateBuilder<(string, BoundExpression)>();
        foreach (var (name, value) in elements)
        {
            if (!members.TryGetValue(name, out var memberType))
            {
                Report(DiagnosticCatalog.UnknownMember(ins.Span, typeName, name, NameSuggester.Suggest(name, members.Keys)));
                continue;
            }
            // A single value where a list is expected (Concept { codes: Code {...} }) is a list of one.
            var element = memberType is ListType lt && value.Type is not ListType && !value.Type.IsAny
                ? new BoundList(value.Syntax, lt, [Convert(value, lt.ElementType, $"{typeName}.{name}")])
                : Convert(value, memberType, $"{typeName}.{name}");
            bound.Add((name, element));
        }
        return new BoundTuple(ins, type, bound.ToImmutable());
    }

    // ---------------------------------------------------------------- type operators

    private BoundExpression BindTypeOperator(TypeOperatorSyntax t, Scope scope)
    {
        var operand = BindExpression(t.Operand, scope);
        var target = BindType(t.Type);
        if (t.Operator == TypeOperator.Is) return new BoundTypeOperator(t, ProtocolType.Boolean, TypeOperator.Is, operand, target);
        // `null as Integer` and widening casts are plain conversions.
        if (Conversions.Find(operand.Type, target) is { } conversion && conversion.Kind is not ConversionKind.Narrow)
            return conversion.Kind == ConversionKind.Identity ? operand : new BoundConversion(t, conversion, operand);
        if (!operand.Type.IsAny && operand.Type is not ChoiceType && !target.IsAny && Conversions.Find(target, operand.Type) is null)
            Report(DiagnosticCatalog.InvalidCast(t.Span, operand.Type.Name, target.Name));
        return new BoundTypeOperator(t, target, t.Operator, operand, target);
    }

    private BoundExpression BindConvert(ConvertSyntax cv, Scope scope)
    {
        var operand = BindExpression(cv.Operand, scope);
        if (cv.Unit is { } unit)
        {
            if (UnitDimensions.Dimension(unit) is null && !UnitDimensions.IsCalendarUnit(unit)) Report(DiagnosticCatalog.UnknownUnit(cv.Span, unit));
            return Call(cv, "ConvertQuantity", [operand, Constant(cv, unit)]);
        }
        var target = BindType(cv.Type!);
        var function = target switch
        {
            _ when target == ProtocolType.Boolean => "ToBoolean",
            _ when target == ProtocolType.Integer => "ToInteger",
            _ when target == ProtocolType.Long => "ToLong",
            _ when target == ProtocolType.Decimal => "ToDecimal",
            _ when target == ProtocolType.String => "ToString",
            _ when target == ProtocolType.Quantity => "ToQuantity",
            _ when target == ProtocolType.Ratio => "ToRatio",
            _ when target == ProtocolType.Date => "ToDate",
            _ when target == ProtocolType.DateTime => "ToDateTime",
            _ when target == ProtocolType.Time => "ToTime",
            _ when target == ProtocolType.Concept => "ToConcept",
            _ => null,
        };
        if (function is null || operand.Type.Equals(target)) return operand.Type.Equals(target) ? operand : ConvertOrError(operand, target, cv);
        return Call(cv, function, [operand]);
    }

    private BoundExpression ConvertOrError(BoundExpression operand, ProtocolType target, SyntaxNode at)
    {
        Report(DiagnosticCatalog.InvalidCast(at.Span, operand.Type.Name, target.Name));
        return new BoundError(at);
    }

    private BoundExpression BindComponent(ComponentFromSyntax cf, Scope scope)
    {
        var operand = BindExpression(cf.Operand, scope);
        return cf.Component switch
        {
            "date" => Call(cf, "DateFrom", [operand]),
            "time" => Call(cf, "TimeFrom", [operand]),
            "timezoneoffset" => Call(cf, "TimezoneOffsetFrom", [operand]),
            _ => Call(cf, "ComponentFrom", [operand, Constant(cf, cf.Component)]),
        };
    }

    private BoundExpression BindCase(CaseSyntax cs, Scope scope)
    {
        var comparand = cs.Comparand is { } c ? BindExpression(c, scope) : null;
        var items = new List<BoundCaseItem>();
        foreach (var item in cs.Items)
        {
            var when = BindExpression(item.When, scope);
            if (comparand is null) when = Convert(when, ProtocolType.Boolean, "A case condition");
            items.Add(new BoundCaseItem(when, BindExpression(item.Then, scope)));
        }
        var @else = BindExpression(cs.Else, scope);
        var type = Conversions.CommonType(items.Select(i => i.Then.Type).Append(@else.Type));
        return new BoundCase(cs, type, comparand,
            [.. items.Select(i => i with { Then = ConvertQuiet(i.Then, type) ?? i.Then })], ConvertQuiet(@else, type) ?? @else);
    }

    // ---------------------------------------------------------------- conversions

    /// <summary>Converts implicitly to <paramref name="target"/> or reports a type mismatch.</summary>
    private BoundExpression Convert(BoundExpression value, ProtocolType target, string context)
    {
        if (ConvertQuiet(value, target) is { } converted) return converted;
        Report(DiagnosticCatalog.TypeMismatch(value.Syntax.Span, target.Name, value.Type.Name, context));
        return new BoundError(value.Syntax);
    }

    private static BoundExpression? ConvertQuiet(BoundExpression value, ProtocolType target)
    {
        if (value is BoundError || target.IsAny && value.Type.IsAny) return value;
        var conversion = Conversions.Find(value.Type, target);
        if (conversion is null) return null;
        if (conversion.Kind == ConversionKind.Identity) return value;
        // A null literal simply takes the target type; numeric literals convert now rather than at every evaluation.
        if (value is BoundLiteral { Value: null }) return new BoundLiteral(value.Syntax, target, null);
        if (value is BoundLiteral { Value: int i } && conversion.Kind == ConversionKind.IntegerToDecimal) return new BoundLiteral(value.Syntax, target, (decimal)i);
        if (value is BoundLiteral { Value: int j } && conversion.Kind == ConversionKind.IntegerToLong) return new BoundLiteral(value.Syntax, target, (long)j);
        if (value is BoundLiteral { Value: long l } && conversion.Kind == ConversionKind.LongToDecimal) return new BoundLiteral(value.Syntax, target, (decimal)l);
        return new BoundConversion(value.Syntax, conversion, value);
    }
}
