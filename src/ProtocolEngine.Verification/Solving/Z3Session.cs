using System.Diagnostics;
using System.Text;

namespace ProtocolEngine.Verification.Solving;

/// <summary>
/// One z3 process spoken to in SMT-LIB over stdin and stdout (`z3 -in`): TOOLCHAIN.md found the Microsoft.Z3 package has
/// no Linux native library. Every check-sat carries the solver's own time limit and a wall-clock guard a little longer,
/// so a query that never ends costs at most that time and answers Unknown ("timeout").
/// </summary>
internal sealed class Z3Session : IDisposable
{
    private readonly Process _process;
    private readonly TimeSpan _timeout;
    private readonly StringBuilder _script = new();
    private bool _dead;
    private TimeSpan _queryTimeout;

    private Z3Session(Process process, TimeSpan timeout)
    {
        _process = process;
        _timeout = timeout;
    }

    /// <summary>Every query asked so far, with its answer and time.</summary>
    public List<QueryTiming> Timings { get; } = [];

    /// <summary>Everything sent to the solver (for --smt output and for debugging a wrong answer).</summary>
    public string Script => _script.ToString();

    /// <summary>The z3 program: $PROTOCOLENGINE_Z3, else z3 on the PATH; null when there is none.</summary>
    public static string? Locate()
    {
        if (Environment.GetEnvironmentVariable("PROTOCOLENGINE_Z3") is { Length: > 0 } configured)
            return File.Exists(configured) ? configured : null;
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, "z3");
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>
    /// Starts z3 (<paramref name="solverPath"/>, else <see cref="Locate"/>); <see cref="SolverNotFoundException"/> when
    /// it is not there.
    /// </summary>
    public static Z3Session Start(TimeSpan timeout, string? solverPath = null)
    {
        var path = solverPath is { Length: > 0 }
            ? File.Exists(solverPath) ? solverPath : throw new SolverNotFoundException(InstallHint($"the z3 program {solverPath} does not exist"))
            : Locate() ?? throw new SolverNotFoundException(InstallHint("z3 was not found on the PATH"));
        var info = new ProcessStartInfo(path, "-in -smt2")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new SolverNotFoundException(InstallHint($"{path} could not be started"));
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new SolverNotFoundException(InstallHint($"{path} could not be started ({e.Message})"));
        }
        process.StandardInput.AutoFlush = true;
        var session = new Z3Session(process, timeout) { _queryTimeout = timeout };
        session.Send("(set-option :print-success false)");
        session.Send("(set-option :produce-unsat-cores true)");
        session.Send("(set-option :produce-models true)");
        return session;
    }

    /// <summary>The sentence every missing-solver error ends with.</summary>
    public static string InstallHint(string problem) =>
        $"{problem}. protocol verify needs the z3 solver (4.8 or later): install it with `apt-get install -y z3` " +
        "(or run .ci/ensure-z3.sh), or set PROTOCOLENGINE_Z3 to the z3 program.";

    /// <summary>A rewriting applied to everything sent (the lowering's elimination of Upper and Lower), or null.</summary>
    public Func<string, string>? Rewrite { get; set; }

    /// <summary>Sends commands that print nothing.</summary>
    public void Send(string commands)
    {
        if (Rewrite is not null) commands = Rewrite(commands);
        _script.AppendLine(commands);
        if (_dead) return;
        try
        {
            _process.StandardInput.WriteLine(commands);
        }
        catch (IOException)
        {
            _dead = true;
        }
    }

    /// <summary>Asks check-sat (optionally assuming literals) and returns the answer; Unknown on timeout.</summary>
    public SolverAnswer Check(string purpose, IEnumerable<string>? assumptions = null, TimeSpan? timeout = null)
    {
        var watch = Stopwatch.StartNew();
        _queryTimeout = timeout is { } t && t < _timeout ? t : _timeout;
        if (_queryTimeout <= TimeSpan.Zero)
        {
            Timings.Add(new QueryTiming(purpose, SolverAnswer.Unknown, 0));
            return SolverAnswer.Unknown;
        }
        Send($"(set-option :timeout {Math.Max(1, (long)_queryTimeout.TotalMilliseconds)})");
        var list = assumptions?.ToList();
        var line = list is { Count: > 0 } ? Ask($"(check-sat-assuming ({string.Join(' ', list)}))") : Ask("(check-sat)");
        var answer = line switch
        {
            "sat" => SolverAnswer.Sat,
            "unsat" => SolverAnswer.Unsat,
            _ => SolverAnswer.Unknown,
        };
        Timings.Add(new QueryTiming(purpose, answer, watch.Elapsed.TotalMilliseconds));
        return answer;
    }

    /// <summary>The names of the unsat core after an unsat answer.</summary>
    public IReadOnlyList<string> UnsatCore()
    {
        var text = Ask("(get-unsat-core)");
        return text.Trim('(', ')', ' ').Split([' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>The values of terms in the current model, as SMT-LIB text per term.</summary>
    public IReadOnlyDictionary<string, string> Values(IReadOnlyList<string> terms)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        // Asked in batches: one get-value of thousands of terms is slow to parse for z3 4.8.
        foreach (var batch in terms.Chunk(200))
        {
            var text = Ask($"(get-value ({string.Join(' ', batch)}))");
            // By position: z3 echoes each term as it read it, which is not the text asked for once it was rewritten.
            var pairs = SExpression.Pairs(text).ToList();
            if (pairs.Count == batch.Length)
                for (int i = 0; i < batch.Length; i++) result[batch[i]] = pairs[i].Value;
        }
        return result;
    }

    /// <summary>Sends a command that answers, and reads one complete answer (a word or a balanced s-expression).</summary>
    private string Ask(string command)
    {
        Send(command);
        if (_dead) return "unknown";
        var read = Task.Run(ReadAnswer);
        // The solver's own :timeout usually answers; the guard catches a solver that does not.
        if (!read.Wait(_queryTimeout + TimeSpan.FromSeconds(2)))
        {
            Kill();
            return "unknown";
        }
        var answer = read.Result;
        if (answer is null)
        {
            _dead = true;
            return "unknown";
        }
        if (answer.StartsWith("(error", StringComparison.Ordinal))
            throw new InvalidOperationException($"z3 rejected the verification script: {answer}");
        return answer;
    }

    private string? ReadAnswer()
    {
        var text = new StringBuilder();
        int depth = 0;
        bool inString = false;
        while (true)
        {
            var line = _process.StandardOutput.ReadLine();
            if (line is null) return text.Length > 0 ? text.ToString() : null;
            if (text.Length == 0 && line.Trim().Length == 0) continue;
            text.AppendLine(line);
            foreach (char c in line)
            {
                if (c == '"') inString = !inString;
                else if (!inString && c == '(') depth++;
                else if (!inString && c == ')') depth--;
            }
            if (depth <= 0 && !inString) return text.ToString().Trim();
        }
    }

    private void Kill()
    {
        _dead = true;
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (!_dead)
        {
            try
            {
                _process.StandardInput.WriteLine("(exit)");
                _process.StandardInput.Close();
                if (!_process.WaitForExit(2000)) Kill();
            }
            catch (IOException)
            {
                Kill();
            }
        }
        else Kill();
        _process.Dispose();
    }
}
