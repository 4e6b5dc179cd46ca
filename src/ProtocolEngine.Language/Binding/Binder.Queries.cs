using System.Collections.Immutable;
using ProtocolEngine.Language.Diagnostics;
using ProtocolEngine.Language.Syntax;
using ProtocolEngine.Language.Types;

namespace ProtocolEngine.Language.Binding;

internal sealed partial class Binder
{
    private BoundExpression BindQuery(QuerySyntax q, Scope outer)
    {
        var scope = new Scope(outer);
        var sources = ImmutableArray.CreateBuilder<BoundQuerySource>();
        foreach (var s in q.Sources)
        {
            var source = BindExpression(s.Source, outer);
            ProtocolType elementType;
            if (source.Type is ListType list) elementType = list.ElementType;
            else
            {
                // A single value is a source of one element.
                elementType = source.Type;
            }
            if (LookupGlobal(s.Alias.Name, s.Alias) is BoundDefineReference) Report(DiagnosticCatalog.AliasShadows(s.Alias.Span, s.Alias.Name));
            var alias = new LocalSymbol(s.Alias.Name, elementType, LocalKind.Alias, s.Alias);
            scope.Add(alias);
            sources.Add(new BoundQuerySource(alias, source));
        }
        bool singularSource = q.Sources.Length == 1 && sources[0].Source.Type is not ListType && !sources[0].Source.Type.IsAny;

        var lets = ImmutableArray.CreateBuilder<(LocalSymbol, BoundExpression)>();
        foreach (var let in q.Lets)
        {
            var value = BindExpression(let.Value, scope);
            var local = new LocalSymbol(let.Name.Name, value.Type, LocalKind.Let, let);
            scope.Add(local);
            lets.Add((local, value));
        }

        var inclusions = ImmutableArray.CreateBuilder<BoundQueryInclusion>();
        foreach (var inc in q.Inclusions)
        {
            var source = BindExpression(inc.Source.Source, scope);
            if (source.Type is not ListType && !source.Type.IsAny && source is not BoundError) Report(DiagnosticCatalog.NotAList(inc.Source.Source.Span, source.Type.Name));
            var elementType = source.Type is ListType l ? l.ElementType : source.Type;
            var alias = new LocalSymbol(inc.Source.Alias.Name, elementType, LocalKind.Alias, inc.Source.Alias);
            var inner = new Scope(scope).Add(alias);
            var condition = Convert(BindExpression(inc.Condition, inner), ProtocolType.Boolean, "A such that condition");
            inclusions.Add(new BoundQueryInclusion(inc.IsWithout, new BoundQuerySource(alias, source), condition));
        }

        var where = q.Where is { } w ? Convert(BindExpression(w, scope), ProtocolType.Boolean, "A where condition") : null;

        // Without a return clause, one source yields its elements and several yield a tuple of the aliases.
        ProtocolType elementResult = sources.Count == 1
            ? sources[0].Alias.Type
            : new TupleType([.. sources.Select(s => new TupleElement(s.Alias.Name, s.Alias.Type))]);

        BoundExpression? ret = null;
        bool distinct = false;
        if (q.Return is { } r)
        {
            ret = BindExpression(r.Value, scope);
            elementResult = ret.Type;
            distinct = !r.All;
        }

        BoundAggregate? aggregate = null;
        ProtocolType resultType;
        if (q.Aggregate is { } ag)
        {
            var starting = ag.Starting is { } st ? BindExpression(st, outer) : null;
            var accumulatorType = starting?.Type ?? ProtocolType.Any;
            var accumulator = new LocalSymbol(ag.Accumulator.Name, accumulatorType, LocalKind.Accumulator, ag.Accumulator);
            var value = BindExpression(ag.Value, new Scope(scope).Add(accumulator));
            if (accumulatorType.IsAny && !value.Type.IsAny)
            {
                // Without a starting value the accumulator takes the type of the aggregate's result.
                accumulator = new LocalSymbol(ag.Accumulator.Name, value.Type, LocalKind.Accumulator, ag.Accumulator);
                value = BindExpression(ag.Value, new Scope(scope).Add(accumulator));
            }
            else if (!accumulatorType.IsAny && ConvertQuiet(value, accumulatorType) is { } cv) value = cv;
            if (starting is not null) starting = ConvertQuiet(starting, accumulator.Type) ?? starting;
            aggregate = new BoundAggregate(accumulator, starting, value, ag.Distinct);
            resultType = accumulator.Type;
        }
        else
        {
            resultType = singularSource ? elementResult : new ListType(elementResult);
        }

        var sort = ImmutableArray.CreateBuilder<BoundSortItem>();
        if (q.Sort is { } so)
        {
            if (so.Items.Length == 0) sort.Add(new BoundSortItem(null, null, so.Descending));
            foreach (var item in so.Items)
            {
                var element = new LocalSymbol("$sortElement", elementResult, LocalKind.Synthetic, item);
                // A sort key may name members of the result element directly, or (without return) use the alias.
                var sortScope = new Scope(ret is null ? scope : outer, element);
                var key = BindExpression(item.Key, sortScope);
                sort.Add(new BoundSortItem(key, element, item.Descending));
            }
        }

        return new BoundQuery(q, resultType, sources.ToImmutable(), lets.ToImmutable(), inclusions.ToImmutable(), where, ret, distinct,
            aggregate, sort.ToImmutable(), singularSource);
    }
}
