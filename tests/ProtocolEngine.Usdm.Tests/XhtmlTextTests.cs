using ProtocolEngine.Usdm.Import;

namespace ProtocolEngine.Usdm.Tests;

public class XhtmlTextTests
{
    [Theory]
    [InlineData("<p>At least <usdm:tag name=\"min_age\"/> years.</p>", "At least {min_age} years.")]
    [InlineData("<p>A</p><p>B</p>", "A B")]
    [InlineData("<p>Any of:</p><ol style=\"list-style-type: lower-alpha;\"><li>X</li><li>Y</li></ol>", "Any of: a) X b) Y")]
    [InlineData("<ol><li>X<ol type=\"i\"><li>Z</li></ol></li></ol>", "1) X i) Z")]
    [InlineData("<ul><li>X</li><li>Y</li></ul>", "- X - Y")]
    [InlineData("<table><tr><td>A</td><td>1</td></tr><tr><td>B<td>2</tr></table>", "A: 1; B: 2")]
    [InlineData("<p>Blood sugar &gt;200 &amp; HbA1c &#174;</p>", "Blood sugar >200 & HbA1c ®")]
    [InlineData("<p>Unclosed paragraph\n   over lines", "Unclosed paragraph over lines")]
    public void Fragments_ReadAsOneLineOfText(string xhtml, string text)
    {
        var (actual, _, problem) = XhtmlText.Convert(xhtml);
        Assert.Null(problem);
        Assert.Equal(text, actual);
    }

    [Fact]
    public void Tags_AreListedOnce_InOrderOfUse()
    {
        var (_, tags, _) = XhtmlText.Convert("<p><usdm:tag name=\"b\"/> <usdm:tag name=\"a\"></usdm:tag> <usdm:tag name=\"b\"/></p>");
        Assert.Equal(["b", "a"], tags);
    }

    [Theory]
    [InlineData("<p><usdm:tag/></p>", "has no name")]
    [InlineData("<p><usdm:ref klass=\"Quantity\" id=\"Q\" attribute=\"value\"/></p>", "other than <usdm:tag")]
    public void UnreadableMarkup_IsAProblem(string xhtml, string problem) =>
        Assert.Contains(problem, XhtmlText.Convert(xhtml).Problem, StringComparison.Ordinal);
}
